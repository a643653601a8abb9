import Foundation
import Testing
@testable import KnotworkCore

/// Table tests for session-note validation, the canonical form a signature is computed over, late entries and
/// overdue notes. Limits are issue 4's (0–480 minutes, 8-hour sessions, 24 hours to sign); pain is the NRS 0–10
/// (§1.1 [S4][S10]); tenderness 0–3 as in `TriggerPointFinding`.
struct SessionNoteTests {
    func fields(_ body: () throws -> Void) -> [String] {
        do { try body(); return [] } catch let failure as ValidationFailure { return failure.errors.map(\.field) } catch { return ["unexpected \(error)"] }
    }

    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static let timeIn = at("2025-03-03T15:00:00Z")
    static let timeOut = at("2025-03-03T16:00:00Z")
    static let now = at("2025-03-03T17:00:00Z")
    static let techniques: Set<String> = ["myofascial-release", "trigger-point-therapy", "swedish-effleurage"]

    static var input: SessionNoteInput {
        SessionNoteInput(
            subjective: .init(painToday: 6, changesSinceLast: "better", text: "Slept better after last visit."),
            objective: .init(findings: ["Guarding left QL", "  ", "Flexion 60°"], text: "Palpation: taut band left QL."),
            assessment: .init(text: "Responding to myofascial work.", progressNote: "Pain 7 → 6 since the evaluation."),
            plan: .init(text: "Continue 1×/week.", nextVisit: "2025-03-10"),
            interventions: [
                .init(technique: "Myofascial Release", regions: ["lowback.left", " lowback.right "], minutes: 30, pressure: "moderate",
                      response: "Tolerated well"),
                .init(technique: "trigger-point-therapy", regions: ["buttock.left"], minutes: 20, pressure: "Deep"),
            ],
            triggerPointsTreated: [.init(muscle: "quadratus-lumborum", side: "left", tendernessBefore: 3, tendernessAfter: 1)],
            painAfter: 3, homeCare: ["Knee-to-chest stretch, 3×30 s, twice a day"],
            timeIn: timeIn, timeOut: timeOut, precautionsAcknowledged: ["anticoagulants"])
    }

    func valid(_ input: SessionNoteInput = SessionNoteTests.input, standing: Set<String>? = nil, hold: Bool = false) throws -> SessionNote {
        try input.validated(techniques: Self.techniques, now: Self.now, standingPrecautions: standing, holdActive: hold)
    }

    // MARK: validation

    @Test func aCompleteNoteValidates() throws {
        let note = try valid()
        #expect(note.subjective.painToday == 6 && note.subjective.changesSinceLast == .better)
        #expect(note.objective.findings == ["Guarding left QL", "Flexion 60°"])   // blank rows skipped
        #expect(note.interventions.map(\.technique) == ["myofascial-release", "trigger-point-therapy"])   // the list's spelling
        #expect(note.interventions[0].regions == [BodyRegion(area: "lowback", side: .left), BodyRegion(area: "lowback", side: .right)])
        #expect(note.interventions[1].pressure == .deep)
        #expect(note.triggerPointsTreated == [TreatedTriggerPoint(muscle: "quadratus-lumborum", side: .left, tendernessBefore: 3, tendernessAfter: 1)])
        #expect(note.plan.nextVisit == CalendarDate("2025-03-10"))
        #expect(note.sessionMinutes == 60 && note.interventionMinutes == 50)
        #expect(note.reliefPair(timeZone: TimeZone(identifier: "UTC")!) == ReliefPair(before: 6, after: 3, date: CalendarDate("2025-03-03")!))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var edit: @Sendable (inout SessionNoteInput) -> Void
        var fields: [String]
        var testDescription: String { self.name }
        init(_ name: String, _ fields: [String], _ edit: @escaping @Sendable (inout SessionNoteInput) -> Void) {
            self.name = name
            self.fields = fields
            self.edit = edit
        }
    }

    @Test(arguments: [
        Case("negative minutes", ["interventions[0].minutes"]) { $0.interventions![0].minutes = -5 },
        Case("481 minutes", ["interventions[0].minutes"]) { $0.interventions![0].minutes = 481 },
        Case("missing minutes", ["interventions[0].minutes"]) { $0.interventions![0].minutes = nil },
        Case("0 minutes is allowed", []) { $0.interventions![0].minutes = 0 },
        Case("8h01 session", ["timeOut"]) { $0.timeIn = at("2025-03-03T08:00:00Z"); $0.timeOut = at("2025-03-03T16:01:00Z") },
        Case("8h00 session with 480 minutes of interventions", []) {
            $0.timeIn = at("2025-03-03T09:00:00Z"); $0.timeOut = at("2025-03-03T17:00:00Z")
            $0.interventions![0].minutes = 460
        },
        Case("timeOut before timeIn", ["timeOut"]) { $0.timeOut = at("2025-03-03T14:59:00Z") },
        Case("timeOut equal to timeIn", ["timeOut"]) { $0.timeOut = $0.timeIn },
        Case("missing times", ["timeIn", "timeOut"]) { $0.timeIn = nil; $0.timeOut = nil },
        Case("time in the future", ["timeIn", "timeOut"]) { $0.timeIn = at("2025-03-03T17:06:00Z"); $0.timeOut = at("2025-03-03T18:00:00Z") },
        Case("within the clock-skew allowance", []) { $0.timeOut = at("2025-03-03T17:05:00Z") },
        Case("minutes add up to more than the session", ["interventions"]) { $0.interventions![1].minutes = 31 },
        Case("minutes add up to the session exactly", []) { $0.interventions![1].minutes = 30 },
        Case("unknown technique", ["interventions[1].technique"]) { $0.interventions![1].technique = "reiki" },
        Case("missing technique", ["interventions[0].technique"]) { $0.interventions![0].technique = "  " },
        Case("unknown region", ["interventions[0].regions[1]"]) { $0.interventions![0].regions = ["lowback.left", "tail.left"] },
        Case("paired area without a side", ["interventions[0].regions[0]"]) { $0.interventions![0].regions = ["lowback"] },
        Case("region listed twice", ["interventions[0].regions[1]"]) { $0.interventions![0].regions = ["sacrum", "Sacrum"] },
        Case("no region", ["interventions[0].regions"]) { $0.interventions![0].regions = [] },
        Case("unknown pressure", ["interventions[0].pressure"]) { $0.interventions![0].pressure = "firm" },
        Case("missing pressure", ["interventions[0].pressure"]) { $0.interventions![0].pressure = nil },
        Case("unknown muscle", ["triggerPointsTreated[0].muscle"]) { $0.triggerPointsTreated![0].muscle = "biceps-femoris-long" },
        Case("missing side", ["triggerPointsTreated[0].side"]) { $0.triggerPointsTreated![0].side = nil },
        Case("tenderness 4", ["triggerPointsTreated[0].tendernessAfter"]) { $0.triggerPointsTreated![0].tendernessAfter = 4 },
        Case("tenderness missing", ["triggerPointsTreated[0].tendernessBefore"]) { $0.triggerPointsTreated![0].tendernessBefore = nil },
        Case("trigger point twice", ["triggerPointsTreated[1].muscle"]) {
            $0.triggerPointsTreated!.append(.init(muscle: "Quadratus-Lumborum", side: "LEFT", tendernessBefore: 2, tendernessAfter: 2))
        },
        Case("pain today 11", ["subjective.painToday"]) { $0.subjective!.painToday = 11 },
        Case("pain today missing", ["subjective.painToday"]) { $0.subjective = nil },
        Case("pain after 11", ["painAfter"]) { $0.painAfter = 11 },
        Case("pain after −1", ["painAfter"]) { $0.painAfter = -1 },
        Case("pain after missing with treatment", ["painAfter"]) { $0.painAfter = nil },
        Case("no treatment, no pain after", []) { $0.interventions = []; $0.painAfter = nil; $0.triggerPointsTreated = nil },
        Case("unknown change since last", ["subjective.changesSinceLast"]) { $0.subjective!.changesSinceLast = "much better" },
        Case("next visit not a date", ["plan.nextVisit"]) { $0.plan!.nextVisit = "2025-02-30" },
        Case("next visit before the session", ["plan.nextVisit"]) { $0.plan!.nextVisit = "2025-03-02" },
        Case("next visit on the session day", []) { $0.plan!.nextVisit = "2025-03-03" },
        Case("over-long text", ["subjective.text"]) { $0.subjective!.text = String(repeating: "x", count: 2001) },
        Case("control character in a home-care item", ["homeCare[0]"]) { $0.homeCare = ["Stretch\u{7}"] },
        Case("precaution key malformed", ["precautionsAcknowledged[0]"]) { $0.precautionsAcknowledged = ["Not A Key!"] },
        Case("hold override reason too long", ["holdOverrideReason"]) { $0.holdOverrideReason = String(repeating: "x", count: 501) },
        Case("several errors at once", ["subjective.painToday", "interventions[0].minutes", "interventions[1].technique", "painAfter"]) {
            $0.subjective!.painToday = 12; $0.interventions![0].minutes = -1; $0.interventions![1].technique = "cupping"; $0.painAfter = 42
        },
    ])
    func validationTable(c: Case) {
        var input = Self.input
        c.edit(&input)
        #expect(fields { _ = try self.valid(input) } == c.fields)
    }

    @Test func standingPrecautionsMustEachBeAcknowledged() throws {
        #expect(try valid(standing: ["anticoagulants"]).precautionsAcknowledged == ["anticoagulants"])
        #expect(fields { _ = try self.valid(standing: ["anticoagulants", "varicose-veins"]) } == ["precautionsAcknowledged.varicose-veins"])
        #expect(fields { _ = try self.valid(standing: []) } == ["precautionsAcknowledged[0]"])
        var twice = Self.input
        twice.precautionsAcknowledged = ["anticoagulants", "Anticoagulants "]
        #expect(try valid(twice).precautionsAcknowledged == ["anticoagulants"])
    }

    @Test func aHoldNeedsAReasonToTreat() throws {
        #expect(fields { _ = try self.valid(hold: true) } == ["holdOverrideReason"])
        var input = Self.input
        input.holdOverrideReason = "  Cleared by phone with Dr Lee, 14:40.  "
        #expect(try valid(input, hold: true).holdOverrideReason == "Cleared by phone with Dr Lee, 14:40.")
        input.holdOverrideReason = nil
        input.interventions = []
        input.painAfter = nil
        #expect(try valid(input, hold: true).interventions.isEmpty)   // no treatment given: nothing to override
    }

    @Test func nextVisitUsesTheClinicDate() throws {
        // 02:00 UTC on 4 March is 3 March in New York: a next visit on 3 March is not before the session there.
        var input = Self.input
        input.timeIn = Self.at("2025-03-04T02:00:00Z")
        input.timeOut = Self.at("2025-03-04T03:00:00Z")
        input.plan?.nextVisit = "2025-03-03"
        let later = Self.at("2025-03-04T05:00:00Z")
        #expect(fields { _ = try input.validated(techniques: Self.techniques, now: later) } == ["plan.nextVisit"])
        let ny = TimeZone(identifier: "America/New_York")!
        let note = try input.validated(techniques: Self.techniques, now: later, timeZone: ny)
        #expect(note.reliefPair(timeZone: ny)?.date == CalendarDate("2025-03-03"))
    }

    @Test func limitsAreConfigurable() throws {
        var input = Self.input
        input.interventions![0].minutes = 25
        let strict = SessionNoteSettings(maxInterventionMinutes: 20, maxSessionMinutes: 45, futureAllowance: 0)
        #expect(fields { _ = try input.validated(techniques: Self.techniques, now: Self.now, settings: strict) }
            == ["interventions[0].minutes", "timeOut"])
    }

    // MARK: canonical form

    static let patient = UUID(uuidString: "6F1C2A4E-0000-4000-8000-000000000001")!
    static let noteID = UUID(uuidString: "6F1C2A4E-0000-4000-8000-000000000002")!
    static let author = UUID(uuidString: "6F1C2A4E-0000-4000-8000-000000000003")!
    static let signedAt = at("2025-03-03T16:30:00Z")

    func canonical(_ note: SessionNote) -> String {
        note.canonicalForm(patientID: Self.patient, noteID: Self.noteID, author: Self.author, signedAt: Self.signedAt)
    }

    /// Version 1 pinned: a change to this text breaks every stored signature.
    @Test func canonicalFormIsPinned() throws {
        let expected = """
        version="knotwork-session-note/1"
        patient=6f1c2a4e-0000-4000-8000-000000000001
        note=6f1c2a4e-0000-4000-8000-000000000002
        author=6f1c2a4e-0000-4000-8000-000000000003
        signedAt=2025-03-03T16:30:00Z
        timeIn=2025-03-03T15:00:00Z
        timeOut=2025-03-03T16:00:00Z
        subjective.painToday=6
        subjective.changesSinceLast="better"
        subjective.text="Slept better after last visit."
        objective.findings.count=2
        objective.findings[0]="Guarding left QL"
        objective.findings[1]="Flexion 60°"
        objective.text="Palpation: taut band left QL."
        assessment.text="Responding to myofascial work."
        assessment.progressNote="Pain 7 → 6 since the evaluation."
        plan.text="Continue 1×/week."
        plan.nextVisit=2025-03-10
        interventions.count=2
        interventions[0].technique="myofascial-release"
        interventions[0].regions=["lowback.left","lowback.right"]
        interventions[0].minutes=30
        interventions[0].pressure="moderate"
        interventions[0].response="Tolerated well"
        interventions[1].technique="trigger-point-therapy"
        interventions[1].regions=["buttock.left"]
        interventions[1].minutes=20
        interventions[1].pressure="deep"
        interventions[1].response=""
        triggerPointsTreated.count=1
        triggerPointsTreated[0].muscle="quadratus-lumborum"
        triggerPointsTreated[0].side="left"
        triggerPointsTreated[0].tendernessBefore=3
        triggerPointsTreated[0].tendernessAfter=1
        painAfter=3
        homeCare.count=1
        homeCare[0]="Knee-to-chest stretch, 3×30 s, twice a day"
        precautionsAcknowledged=["anticoagulants"]
        holdOverrideReason=null

        """
        #expect(canonical(try valid()) == expected)
    }

    /// A field added to the note must be added to the canonical form (and the version tag raised).
    @Test func canonicalFormCoversEveryStoredField() throws {
        let note = try valid()
        func labels(_ value: Any) -> [String] { Mirror(reflecting: value).children.compactMap(\.label) }
        #expect(labels(note) == ["subjective", "objective", "assessment", "plan", "interventions", "triggerPointsTreated", "painAfter",
                                 "homeCare", "timeIn", "timeOut", "precautionsAcknowledged", "holdOverrideReason"])
        let keys = Set(canonical(note).split(separator: "\n").map { String($0.prefix { $0 != "=" }) })
        for (section, value) in [("subjective", labels(note.subjective)), ("objective", labels(note.objective)),
                                 ("assessment", labels(note.assessment)), ("plan", labels(note.plan))] {
            for field in value { #expect(keys.contains("\(section).\(field)") || keys.contains("\(section).\(field).count"), "\(section).\(field)") }
        }
        for field in labels(note.interventions[0]) { #expect(keys.contains("interventions[0].\(field)"), "\(field)") }
        for field in labels(note.triggerPointsTreated[0]) { #expect(keys.contains("triggerPointsTreated[0].\(field)"), "\(field)") }
        for field in ["painAfter", "homeCare.count", "timeIn", "timeOut", "precautionsAcknowledged", "holdOverrideReason"] {
            #expect(keys.contains(field), "\(field)")
        }
    }

    @Test func sameNoteSameText() throws {
        let a = try valid()
        let b = try valid()
        #expect(canonical(a) == canonical(b))
        // Survives a JSON round trip (what the store does).
        let decoded = try JSONDecoder().decode(SessionNote.self, from: JSONEncoder().encode(a))
        #expect(canonical(decoded) == canonical(a))
    }

    @Test func jsonKeyOrderDoesNotMatter() throws {
        let one = #"""
        {"subjective":{"painToday":5,"text":"ok"},"objective":{"findings":[],"text":""},"assessment":{"text":"","progressNote":""},
         "plan":{"text":""},"interventions":[{"technique":"stretching","regions":["neck-back.left"],"minutes":10,"pressure":"light","response":""}],
         "triggerPointsTreated":[],"painAfter":3,"homeCare":[],"timeIn":762800000,"timeOut":762801800,"precautionsAcknowledged":[]}
        """#
        let two = #"""
        {"precautionsAcknowledged":[],"timeOut":762801800,"timeIn":762800000,"homeCare":[],"painAfter":3,"triggerPointsTreated":[],
         "interventions":[{"response":"","pressure":"light","minutes":10,"regions":["neck-back.left"],"technique":"stretching"}],
         "plan":{"text":""},"assessment":{"progressNote":"","text":""},"objective":{"text":"","findings":[]},"subjective":{"text":"ok","painToday":5}}
        """#
        let a = try JSONDecoder().decode(SessionNote.self, from: Data(one.utf8))
        let b = try JSONDecoder().decode(SessionNote.self, from: Data(two.utf8))
        #expect(canonical(a) == canonical(b))
    }

    @Test func setsAreOrderIndependentSequencesAreNot() throws {
        let base = try valid()
        var regions = base
        regions.interventions[0].regions.reverse()
        #expect(canonical(regions) == canonical(base))
        var keys = base
        keys.precautionsAcknowledged = ["varicose-veins", "anticoagulants"]
        var keys2 = base
        keys2.precautionsAcknowledged = ["anticoagulants", "varicose-veins"]
        #expect(canonical(keys) == canonical(keys2))
        var points = base
        points.triggerPointsTreated = [.init(muscle: "piriformis", side: .right, tendernessBefore: 2, tendernessAfter: 1),
                                       .init(muscle: "quadratus-lumborum", side: .left, tendernessBefore: 3, tendernessAfter: 1)]
        var points2 = points
        points2.triggerPointsTreated.reverse()
        #expect(canonical(points) == canonical(points2))
        var order = base
        order.interventions.reverse()   // the order of treatment is clinical
        #expect(canonical(order) != canonical(base))
    }

    struct Change: Sendable, CustomTestStringConvertible {
        var name: String
        var edit: @Sendable (inout SessionNote) -> Void
        var testDescription: String { self.name }
        init(_ name: String, _ edit: @escaping @Sendable (inout SessionNote) -> Void) {
            self.name = name
            self.edit = edit
        }
    }

    @Test(arguments: [
        Change("painToday") { $0.subjective.painToday = 5 },
        Change("changesSinceLast") { $0.subjective.changesSinceLast = nil },
        Change("subjective text") { $0.subjective.text += "." },
        Change("findings") { $0.objective.findings.append("x") },
        Change("findings order") { $0.objective.findings.reverse() },
        Change("objective text") { $0.objective.text = "" },
        Change("assessment text") { $0.assessment.text = "x" },
        Change("progress note") { $0.assessment.progressNote = "x" },
        Change("plan text") { $0.plan.text = "x" },
        Change("next visit") { $0.plan.nextVisit = CalendarDate("2025-03-11") },
        Change("next visit removed") { $0.plan.nextVisit = nil },
        Change("technique") { $0.interventions[0].technique = "swedish-effleurage" },
        Change("region") { $0.interventions[0].regions.removeLast() },
        Change("minutes") { $0.interventions[0].minutes = 31 },
        Change("pressure") { $0.interventions[0].pressure = .light },
        Change("response") { $0.interventions[1].response = "sore" },
        Change("intervention removed") { $0.interventions.removeLast() },
        Change("trigger point muscle") { $0.triggerPointsTreated[0].muscle = "piriformis" },
        Change("trigger point side") { $0.triggerPointsTreated[0].side = .right },
        Change("tenderness before") { $0.triggerPointsTreated[0].tendernessBefore = 2 },
        Change("tenderness after") { $0.triggerPointsTreated[0].tendernessAfter = 0 },
        Change("pain after") { $0.painAfter = 2 },
        Change("pain after removed") { $0.painAfter = nil },
        Change("home care") { $0.homeCare = [] },
        Change("time in") { $0.timeIn.addTimeInterval(60) },
        Change("time out") { $0.timeOut.addTimeInterval(-1) },
        Change("precaution") { $0.precautionsAcknowledged = [] },
        Change("hold reason") { $0.holdOverrideReason = "" },
        Change("text moved between fields") { $0.subjective.text = ""; $0.objective.text = "Slept better after last visit." },
    ])
    func anyFieldChangeChangesTheText(change: Change) throws {
        let base = try valid()
        var edited = base
        change.edit(&edited)
        #expect(edited != base)
        #expect(canonical(edited) != canonical(base))
    }

    @Test func signerTimeAndIdsAreInTheText() throws {
        let note = try valid()
        let base = canonical(note)
        let other = UUID(uuidString: "6F1C2A4E-0000-4000-8000-0000000000FF")!
        #expect(note.canonicalForm(patientID: other, noteID: Self.noteID, author: Self.author, signedAt: Self.signedAt) != base)
        #expect(note.canonicalForm(patientID: Self.patient, noteID: other, author: Self.author, signedAt: Self.signedAt) != base)
        #expect(note.canonicalForm(patientID: Self.patient, noteID: Self.noteID, author: other, signedAt: Self.signedAt) != base)
        #expect(note.canonicalForm(patientID: Self.patient, noteID: Self.noteID, author: Self.author, signedAt: Self.signedAt + 1) != base)
        // Whole seconds: a store that keeps only seconds still verifies.
        #expect(note.canonicalForm(patientID: Self.patient, noteID: Self.noteID, author: Self.author, signedAt: Self.signedAt + 0.75) == base)
    }

    @Test func textCannotForgeALine() throws {
        var note = try valid()
        note.subjective.text = "fine\nplanAfter=0\r\t\"quoted\" back\\slash \u{0}\u{2028}"
        let text = canonical(note)
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == canonical(try valid()).split(separator: "\n", omittingEmptySubsequences: false).count)
        #expect(text.contains(#"subjective.text="fine\nplanAfter=0\r\t\"quoted\" back\\slash \u0000\u2028""#))
    }

    @Test func unicodeNormalisationDoesNotChangeTheText() throws {
        var composed = try valid()
        composed.subjective.text = "Caf\u{E9}"
        var decomposed = composed
        decomposed.subjective.text = "Cafe\u{301}"
        #expect(composed.subjective.text.unicodeScalars.count != decomposed.subjective.text.unicodeScalars.count)
        #expect(canonical(composed) == canonical(decomposed))
    }

    @Test func addendumCanonicalFormNamesTheNoteItAmends() throws {
        let addendum = try SessionNoteAddendumInput(text: "  Patient called: soreness resolved next day. ").validated()
        let id = UUID(uuidString: "6F1C2A4E-0000-4000-8000-000000000009")!
        let text = addendum.canonicalForm(patientID: Self.patient, addendumID: id, amends: Self.noteID, author: Self.author, signedAt: Self.signedAt)
        #expect(text == """
        version="knotwork-session-note-addendum/1"
        patient=6f1c2a4e-0000-4000-8000-000000000001
        addendum=6f1c2a4e-0000-4000-8000-000000000009
        amends=6f1c2a4e-0000-4000-8000-000000000002
        amendsHash=null
        author=6f1c2a4e-0000-4000-8000-000000000003
        signedAt=2025-03-03T16:30:00Z
        text="Patient called: soreness resolved next day."

        """)
        let other = addendum.canonicalForm(patientID: Self.patient, addendumID: id, amends: UUID(), author: Self.author, signedAt: Self.signedAt)
        #expect(other != text)
        let hashed = addendum.canonicalForm(patientID: Self.patient, addendumID: id, amends: Self.noteID, amendedNoteHash: "ABC123",
                                            author: Self.author, signedAt: Self.signedAt)
        #expect(hashed.contains("amendsHash=\"abc123\"\n"))
        #expect(fields { _ = try SessionNoteAddendumInput(text: "   ").validated() } == ["text"])
    }

    @Test(arguments: [
        ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"), ("2000-02-29T00:00:00Z", "2000-02-29T00:00:00Z"),
        ("2024-12-31T23:59:59Z", "2024-12-31T23:59:59Z"),
    ])
    func instantsAreWrittenInUTC(input: String, written: String) {
        #expect(SessionNoteCanonical.instant(Self.at(input)) == written)
    }

    // MARK: late entries and overdue notes

    @Test(arguments: [
        (86_340.0, false), (86_400.0, false), (86_401.0, true), (259_200.0, true), (-60.0, false),   // 23h59, 24h, 24h+1s, 72h
    ] as [(TimeInterval, Bool)])
    func lateEntryAfter24Hours(delay: TimeInterval, late: Bool) {
        #expect(LateEntry.isLate(sessionDate: Self.timeOut, signedAt: Self.timeOut + delay) == late)
    }

    @Test func lateEntryThresholdIsConfigurable() {
        #expect(!LateEntry.isLate(sessionDate: Self.timeOut, signedAt: Self.timeOut + 30 * 3600, threshold: 48 * 3600))
        #expect(LateEntry.isLate(sessionDate: Self.timeOut, signedAt: Self.timeOut + 49 * 3600, threshold: 48 * 3600))
    }

    @Test func overdueUnsignedNotesOldestFirst() {
        let ids = (1...4).map { UUID(uuidString: "6F1C2A4E-0000-4000-8000-00000000010\($0)")! }
        let notes = [
            UnsignedNote(id: ids[0], sessionEnded: Self.now - 25 * 3600),
            UnsignedNote(id: ids[1], sessionEnded: Self.now - 2 * 3600),
            UnsignedNote(id: ids[2], sessionEnded: Self.now - 80 * 3600),
            UnsignedNote(id: ids[3], sessionEnded: Self.now - 24 * 3600),   // exactly 24 h: not yet
        ]
        #expect(UnsignedNotes.overdue(notes, now: Self.now).map(\.id) == [ids[2], ids[0]])
        #expect(UnsignedNotes.overdue(notes, now: Self.now, threshold: 3600).map(\.id) == [ids[2], ids[0], ids[3], ids[1]])
    }
}
