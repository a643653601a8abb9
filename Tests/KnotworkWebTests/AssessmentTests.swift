import Foundation
import KnotworkCore
import KnotworkStore
import Logging
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

/// Issue 3 through the real HTTP stack and a real database (SQLite file, or PostgreSQL with TEST_DATABASE=postgres).
@Suite struct AssessmentTests {
    struct API {
        let clinic: Clinic
        let headers: HTTPHeaders

        init(_ clinic: Clinic, _ user: String) async throws {
            self.clinic = clinic
            var h = clinic.bearer(try await clinic.token(user))
            h.contentType = .json
            self.headers = h
        }

        func send(_ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws -> TestingHTTPResponse {
            try await self.clinic.tester.sendRequest(method, path, headers: self.headers, body: body.map { ByteBuffer(string: $0) })
        }

        func json(_ method: HTTPMethod, _ path: String, _ body: String? = nil, expect status: HTTPStatus) async throws -> [String: Any] {
            let res = try await self.send(method, path, body)
            #expect(res.status == status, "\(method) \(path): \(res.status) \(res.body.string.prefix(400))")
            return (try? JSONSerialization.jsonObject(with: Data(res.body.string.utf8)) as? [String: Any]) ?? [:]
        }
    }

    func base(_ p: Patient) -> String { "/api/v1/patients/\(p.id.uuidString)" }

    func newAssessment(_ api: API, _ p: Patient, kind: String = "initial", on date: String = "2026-09-01") async throws -> String {
        let body = try await api.json(.POST, self.base(p) + "/assessments", #"{"kind":"\#(kind)","assessedOn":"\#(date)"}"#, expect: .created)
        return try #require(body["id"] as? String)
    }

    func entryCount(_ clinic: Clinic) async throws -> Int {
        let row = try await (clinic.app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM clinical_entries").first()
        return try row!.decode(column: "n", as: Int.self)
    }

    /// Answers every active asked rule "no", except the keys given as "yes".
    func screen(_ api: API, yes: [String: String?] = [:], visitOnly: Bool = false) async throws -> String {
        let rules = try await SafetyStore(database: api.clinic.app.db).currentRules()
        let answers = SafetyScreen.questions(rules: rules, visitOnly: visitOnly).map { r in
            let region = yes[r.key].flatMap { $0 }.map { #","region":"\#($0)""# } ?? ""
            return #"{"ruleKey":"\#(r.key)","answer":\#(yes[r.key] != nil)\#(region)}"#
        }
        return #"{"answers":[\#(answers.joined(separator: ","))]}"#
    }

    // MARK: safety screen

    @Test func aStopAndReferAnswerCreatesTheProvidersTaskAndAHoldThatOnlyAReasonOrTheProviderLifts() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let a = try await self.newAssessment(ana, p)
            _ = try await ana.json(.POST, self.base(p) + "/assessments/\(a)/intake", """
                {"pregnancy":"no","complaint":{"summary":"Left calf pain and neck pain","onset":"2026-03-01","mechanism":"gradual"},
                 "goals":["Walk the dog for an hour"],"medications":[{"name":"Warfarin","dose":"5 mg"}]}
                """, expect: .created)
            let outcome = try await ana.json(.POST, self.base(p) + "/assessments/\(a)/safety-screen",
                                             try await self.screen(ana, yes: ["dvt": nil, "recent-fracture": "forearm-volar.right"]), expect: .created)
            #expect(outcome["onHold"] as? Bool == true)
            #expect(outcome["providerId"] as? String == clinic.user("max.md").id.uuidString)
            let safety = try await ana.json(.GET, self.base(p) + "/safety", expect: .ok)
            let keys = (safety["precautions"] as? [[String: Any]] ?? []).compactMap { ($0["precaution"] as? [String: Any])?["ruleKey"] as? String }
            #expect(Set(keys) == ["dvt", "recent-fracture", "anticoagulant"])
            #expect(try await clinic.auditCount(.safetyScreen) == 1)

            // The medical provider's worklist has the urgent referral.
            let max = try await API(clinic, "max.md")
            let tasks = try await max.json(.GET, "/api/v1/tasks", expect: .ok)["items"] as? [[String: Any]] ?? []
            #expect(tasks.count == 1)
            #expect((tasks.first?["title"] as? String)?.hasPrefix("Urgent referral") == true)

            // A therapist cannot "clear" as if they were the provider, and an override needs a reason.
            _ = try await ana.json(.POST, self.base(p) + "/safety/hold/clear", #"{"kind":"providerCleared"}"#, expect: .forbidden)
            let short = try await ana.json(.POST, self.base(p) + "/safety/hold/clear", #"{"kind":"clinicianOverride","reason":"ok"}"#,
                                           expect: .unprocessableEntity)
            #expect((short["errors"] as? [[String: Any]])?.first?["field"] as? String == "reason")
            #expect(try await ana.json(.GET, self.base(p) + "/safety", expect: .ok)["onHold"] as? Bool == true)
            let lifted = try await ana.json(.POST, self.base(p) + "/safety/hold/clear",
                                            #"{"kind":"clinicianOverride","reason":"Duplex scan negative, per phone call with the GP"}"#, expect: .ok)
            #expect(lifted["onHold"] as? Bool == false)
            #expect(try await clinic.auditCount(.holdOverride, outcome: "failure") == 1)   // the refused short reason
            #expect(try await clinic.auditCount(.holdOverride, outcome: "success") == 1)
            #expect(try await clinic.auditCount(.holdClear, outcome: "denied") == 1)       // the therapist's "provider clearance"
            // Lifting the hold completes the referral task; the precautions stay in force.
            #expect((try await max.json(.GET, "/api/v1/tasks", expect: .ok)["items"] as? [Any])?.isEmpty == true)
            #expect((lifted["precautions"] as? [Any])?.count == 3)

            // A second stop-and-refer at a later visit: only the red flags are asked, and the provider clears it.
            _ = try await ana.json(.POST, self.base(p) + "/safety/screen", try await self.screen(ana, yes: ["cauda-equina": nil], visitOnly: true),
                                   expect: .created)
            let cleared = try await max.json(.POST, self.base(p) + "/safety/hold/clear", #"{"kind":"providerCleared","reason":"Seen in clinic"}"#, expect: .ok)
            #expect(cleared["onHold"] as? Bool == false)
            #expect(try await clinic.auditCount(.holdClear, outcome: "success") == 1)
        }
    }

    @Test func withoutAMedicalProviderOnTheTeamTheReferralReachesTheWholeTeam() async throws {
        try await withClinic { clinic in
            let p = try await clinic.addPatient(given: "Nadia", family: "Noprovider", dob: "1985-05-05", team: [("ana.lmt", true), ("pat.pt", false)])
            let ana = try await API(clinic, "ana.lmt")
            let a = try await self.newAssessment(ana, p)
            let outcome = try await ana.json(.POST, self.base(p) + "/assessments/\(a)/safety-screen",
                                             try await self.screen(ana, yes: ["cauda-equina": nil]), expect: .created)
            #expect(outcome["taskId"] != nil)
            #expect(outcome["providerId"] == nil)
            for (user, expected) in [("ana.lmt", 1), ("pat.pt", 1), ("max.md", 0), ("ben.lmt", 0)] {
                let api = try await API(clinic, user)
                let items = try await api.json(.GET, "/api/v1/tasks", expect: .ok)["items"] as? [Any] ?? []
                #expect(items.count == expected, "\(user)")
            }
        }
    }

    @Test func aVisitScreenNeedsEveryRedFlagAndALocalAnswerNeedsARegion() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let problem = try await ana.json(.POST, self.base(p) + "/safety/screen", #"{"answers":[{"ruleKey":"cauda-equina","answer":false}]}"#,
                                             expect: .unprocessableEntity)
            let fields = (problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(fields.contains("answers.spinal-malignancy"))
            let a = try await self.newAssessment(ana, p)
            let noRegion = try await ana.json(.POST, self.base(p) + "/assessments/\(a)/safety-screen",
                                              try await self.screen(ana, yes: ["recent-fracture": nil]), expect: .unprocessableEntity)
            #expect((noRegion["errors"] as? [[String: Any]] ?? []).contains { ($0["field"] as? String)?.hasSuffix(".region") == true })
            #expect(try await SafetyStore(database: clinic.app.db).status(of: p.id) == .clear)
        }
    }

    @Test func anAdministratorEditsARuleAsANewVersionAndEarlierVersionsStay() async throws {
        try await withClinic { clinic in
            let admin = try await API(clinic, "admin")
            let body = """
                {"title":"Suspected deep vein thrombosis","question":"Unilateral calf pain, swelling, warmth or redness, or a known clot?",
                 "category":"contraindication","action":"stopRefer","urgent":true,"guidance":"No massage of the limb; refer the same day.",
                 "trigger":"answer","source":"CLINICAL-REFERENCE §4.1 [S50][S50b]; clinic policy 2026","confidence":"confirmed"}
                """
            let saved = try await admin.json(.PUT, "/api/v1/safety-rules/dvt", body, expect: .ok)
            #expect((saved["rule"] as? [String: Any])?["version"] as? Int == 2)
            let versions = try await SafetyStore(database: clinic.app.db).versions(of: "dvt")
            #expect(versions.map(\.rule.version) == [2, 1])
            #expect(try await SafetyStore(database: clinic.app.db).currentRules().first { $0.key == "dvt" }?.version == 2)
            #expect(try await clinic.lastAudit().action == AuditAction.safetyRuleUpdate.rawValue)
            let ana = try await API(clinic, "ana.lmt")
            #expect(try await ana.send(.PUT, "/api/v1/safety-rules/dvt", body).status == .notFound)
            _ = try await admin.json(.PUT, "/api/v1/safety-rules/dvt", #"{"title":"x","action":"fly"}"#, expect: .unprocessableEntity)
            #expect(try await SafetyStore(database: clinic.app.db).versions(of: "dvt").count == 2)
        }
    }

    // MARK: findings and the record

    @Test func theRecordComparesRangeOfMotionAndMeasuresWithTheBaseline() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let first = try await self.newAssessment(ana, p, on: "2026-06-01")
            let rom = #"{"joint":"shoulder","motion":"flexion","side":"left","degrees":135,"method":"goniometer"}"#
            _ = try await ana.json(.POST, self.base(p) + "/assessments/\(first)/range-of-motion", rom, expect: .created)
            _ = try await ana.json(.POST, self.base(p) + "/assessments/\(first)/range-of-motion",
                                   #"{"joint":"shoulder","motion":"flexion","side":"right","degrees":175,"method":"goniometer"}"#, expect: .created)
            _ = try await ana.json(.POST, self.base(p) + "/assessments/\(first)/measures",
                                   #"{"instrument":"PEG","items":{"pain":6,"enjoyment":5,"activity":7}}"#, expect: .created)
            let second = try await self.newAssessment(ana, p, kind: "reEvaluation", on: "2026-08-01")
            _ = try await ana.json(.POST, self.base(p) + "/assessments/\(second)/range-of-motion",
                                   rom.replacingOccurrences(of: "135", with: "150"), expect: .created)
            _ = try await ana.json(.POST, self.base(p) + "/assessments/\(second)/measures",
                                   #"{"instrument":"PEG","items":{"pain":3,"enjoyment":3,"activity":3}}"#, expect: .created)

            let baseline = try await ana.json(.GET, self.base(p) + "/assessments/\(first)", expect: .ok)
            let left = (baseline["rangeOfMotion"] as? [[String: Any]] ?? []).first { (($0["entry"] as? [String: Any])?["value"] as? [String: Any])?["side"] as? String == "left" }
            let ev = left?["evaluation"] as? [String: Any]
            #expect(ev?["percentOfNormal"] as? Double == 75)          // 135 of AAOS 180 (§2.1 [S30])
            #expect(ev?["sideDifference"] as? Double == -40)           // left 135 − right 175

            let record = try await ana.json(.GET, self.base(p) + "/assessments/\(second)", expect: .ok)
            #expect((record["baseline"] as? [String: Any])?["id"] as? String == first)
            let change = ((record["rangeOfMotion"] as? [[String: Any]])?.first?["evaluation"] as? [String: Any])?["change"] as? [String: Any]
            #expect(change?["delta"] as? Double == 15)
            #expect(change?["beyondMeasurementError"] as? Bool == true)  // same examiner, goniometer: > 4° (Boone 1978)
            #expect(change?["sameExaminer"] as? Bool == true)
            let peg = (record["measures"] as? [[String: Any]])?.first
            let score = ((peg?["entry"] as? [String: Any])?["value"] as? [String: Any])?["score"] as? [String: Any]
            #expect(score?["value"] as? Double == 3)                   // PEG = mean of the three items (§1.2)
            let classified = peg?["change"] as? [String: Any]
            #expect(classified?["absoluteChange"] as? Double == -3)
            #expect(classified?["classification"] as? String == "improved")

            // The chart page shows the same numbers.
            let page = try await clinic.tester.sendRequest(.GET, "/patients/\(p.id)/assessments/\(second)", headers: ana.headers)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("83 %"))                  // 150 / 180
            #expect(page.body.string.contains("beyond measurement error"))
            #expect(page.body.string.contains("Improved beyond the meaningful change"))
        }
    }

    @Test func twoPainMapsAreComparedRegionByRegion() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let first = try await self.newAssessment(ana, p, on: "2026-06-01")
            _ = try await ana.json(.POST, self.base(p) + "/assessments/\(first)/pain-maps", """
                {"markings":[{"region":"neck-back.left","intensity":7,"pattern":"constant"},{"region":"temple.left","intensity":5,"pattern":"intermittent"},
                             {"region":"lowback.right","intensity":3,"pattern":"constant"},{"region":"calf.left","intensity":2,"pattern":"constant"}]}
                """, expect: .created)
            let second = try await self.newAssessment(ana, p, kind: "reEvaluation", on: "2026-07-01")
            _ = try await ana.json(.POST, self.base(p) + "/assessments/\(second)/pain-maps", """
                {"markings":[{"region":"neck-back.left","intensity":3,"pattern":"constant"},{"region":"temple.left","intensity":6,"pattern":"intermittent"},
                             {"region":"sole.right","intensity":4,"pattern":"constant","qualities":["burning"]},{"region":"calf.left","intensity":2,"pattern":"constant"}]}
                """, expect: .created)
            let c = try await ana.json(.GET, self.base(p) + "/pain-maps/compare", expect: .ok)
            let kinds = Dictionary(uniqueKeysWithValues: (c["changes"] as? [[String: Any]] ?? []).map { ($0["region"] as! String, $0["kind"] as! String) })
            #expect(kinds == ["neck-back.left": "better", "temple.left": "worse", "lowback.right": "resolved", "sole.right": "new", "calf.left": "unchanged"])
            let page = try await clinic.tester.sendRequest(.GET, "/patients/\(p.id)/pain-maps/compare", headers: ana.headers)
            #expect(page.body.string.contains("id=\"comparison-table\""))
            #expect(page.body.string.contains("data-region=\"sole.right\""))
            let bad = try await ana.json(.GET, self.base(p) + "/pain-maps/compare?earlier=\(UUID())", expect: .unprocessableEntity)
            #expect((bad["errors"] as? [[String: Any]])?.first?["field"] as? String == "earlier")
        }
    }

    /// Bad input: field-level errors, nothing saved, the failure audited, never a 500.
    @Test(arguments: [
        ("intake", #"{"pregnancy":"no","complaint":{"summary":"x","onset":"2027-01-01","mechanism":"gradual"},"goals":["g"]}"#, "complaint.onset"),
        ("intake", #"{"pregnancy":"no","complaint":{"summary":"x","onset":"1970-01-01","mechanism":"gradual"},"goals":["g"]}"#, "complaint.onset"),
        ("intake", #"{"pregnancy":"no","complaint":{"summary":"x","onset":"2026-01-01","mechanism":"gradual"}}"#, "goals"),
        ("pain-maps", #"{"markings":[{"region":"tail.left","intensity":3,"pattern":"constant"}]}"#, "markings[0].region"),
        ("pain-maps", #"{"markings":[{"region":"calf.left","intensity":11,"pattern":"constant"}]}"#, "markings[0].intensity"),
        ("trigger-points", #"{"muscle":"gluteus-giganticus","side":"left","state":"active","tenderness":2}"#, "muscle"),
        ("trigger-points", #"{"muscle":"upper-trapezius","side":"left","state":"active","tenderness":4}"#, "tenderness"),
        ("range-of-motion", #"{"joint":"shoulder","motion":"flexion","side":"left","degrees":500,"method":"goniometer"}"#, "degrees"),
        ("range-of-motion", #"{"joint":"shoulder","motion":"flexion","side":"left","degrees":90,"method":"crom"}"#, "method"),
        ("measures", #"{"instrument":"XYZ","score":3}"#, "instrument"),
        ("measures", #"{"instrument":"PSFS","activities":[]}"#, "activities"),
        ("measures", #"{"instrument":"ODI","score":120}"#, "score"),
        ("measures", #"{"instrument":"PEG","items":{"pain":6,"enjoyment":5}}"#, "answers.activity"),
        ("root-cause", #"{"suspectedSources":[{"muscle":"no-such-muscle"}],"evidence":"x"}"#, "suspectedSources[0].muscle"),
    ])
    func badFindingsAreFieldErrorsAndWriteNothing(path: String, body: String, field: String) async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let a = try await self.newAssessment(ana, p)
            let before = try await self.entryCount(clinic)
            let problem = try await ana.json(.POST, self.base(p) + "/assessments/\(a)/\(path)", body, expect: .unprocessableEntity)
            let fields = (problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(fields.contains(field), "\(fields)")
            #expect(try await self.entryCount(clinic) == before)
            let audit = try await clinic.lastAudit()
            #expect(audit.action == AuditAction.findingCreate.rawValue)
            #expect(audit.outcome == "failure")
        }
    }

    @Test func anAssessmentCannotBeDatedBeforeBirthOrInTheFutureAndAnotherPatientsAssessmentIsNotFound() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            for date in ["1979-12-31", "2026-12-01", "2026-02-30"] {
                let problem = try await ana.json(.POST, self.base(p) + "/assessments", #"{"kind":"initial","assessedOn":"\#(date)"}"#, expect: .unprocessableEntity)
                #expect((problem["errors"] as? [[String: Any]])?.first?["field"] as? String == "assessedOn", "\(date)")
            }
            let a = try await self.newAssessment(ana, p)
            // The same assessment under another of Ana's patients is "not found", as is Ben's patient.
            let other = try await clinic.addPatient(given: "Cora", family: "Castellano", dob: "1970-01-01", team: [("ana.lmt", true)])
            #expect(try await ana.send(.GET, self.base(other) + "/assessments/\(a)").status == .notFound)
            #expect(try await ana.send(.POST, self.base(other) + "/assessments/\(a)/trigger-points",
                                       #"{"muscle":"upper-trapezius","side":"left","state":"active","tenderness":2}"#).status == .notFound)
            let ben = try await API(clinic, "ben.lmt")
            #expect(try await ben.send(.GET, self.base(p) + "/assessments/\(a)").status == .notFound)
            #expect(try await ben.send(.GET, self.base(p) + "/safety").status == .notFound)
            // Front desk sees demographics, never the assessment.
            let fran = try await API(clinic, "fran.desk")
            #expect(try await fran.send(.GET, self.base(p) + "/assessments").status == .notFound)
        }
    }

    // MARK: the HTML forms

    @Test func theFormsSaveThroughTheSameRulesAndShowFieldErrors() async throws {
        try await withClinic { clinic in
            let p = clinic.anaPatient!
            let s = try await clinic.signIn("ana.lmt")
            let t = try clinic.tester
            let (h, b) = s.form([("kind", "initial"), ("assessedOn", "2026-09-01"), ("summary", "Neck pain at the desk")])
            let created = try await t.sendRequest(.POST, "/patients/\(p.id)/assessments", headers: h, body: b)
            #expect(created.status == .seeOther)
            let page = try #require(created.headers.first(name: .location))

            let (ih, ib) = s.form([("complaint[summary]", "Neck pain"), ("complaint[onset]", "2027-01-01"), ("complaint[mechanism]", "postural"),
                                   ("goals", "Sleep through the night\nDrive without pain"), ("pregnancy", "no"), ("medications[0][name]", "prednisone")])
            let bad = try await t.sendRequest(.POST, page + "/intake", headers: ih, body: ib)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("id=\"complaint.onset\""))
            #expect(bad.body.string.contains("href=\"#complaint.onset\""))
            let (gh, gb) = s.form([("complaint[summary]", "Neck pain"), ("complaint[onset]", "2026-01-15"), ("complaint[mechanism]", "postural"),
                                   ("goals", "Sleep through the night\nDrive without pain"), ("pregnancy", "no"), ("medications[0][name]", "prednisone")])
            #expect(try await t.sendRequest(.POST, page + "/intake", headers: gh, body: gb).status == .seeOther)

            let (mh, mb) = s.form([("instrument", "PEG"), ("items[pain]", "6"), ("items[enjoyment]", "4"), ("items[activity]", "5")])
            #expect(try await t.sendRequest(.POST, page + "/measures", headers: mh, body: mb).status == .seeOther)
            let (ph, pb) = s.form([("markings[calf.left][intensity]", "6"), ("markings[calf.left][pattern]", "constant"),
                                   ("markings[calf.left][qualities][]", "aching"), ("markings[calf.left][qualities][]", "burning"),
                                   ("markings[shin.right][intensity]", "12"), ("markings[shin.right][pattern]", "constant")])
            let badMap = try await t.sendRequest(.POST, page + "/pain-map", headers: ph, body: pb)
            #expect(badMap.status == .unprocessableEntity)
            #expect(badMap.body.string.contains("id=\"mark-shin.right\""))
            #expect(badMap.body.string.contains("href=\"#mark-shin.right-intensity\""))

            let shown = try await t.sendRequest(.GET, page, headers: s.headers)
            let html = shown.body.string
            #expect(html.contains("7 months · chronic (3 months or more)"))   // onset 2026-01-15, assessed 2026-09-01
            #expect(html.contains("prednisone [corticosteroid]"))               // recognised by name (MedicationFlags)
            #expect(html.contains("data-instrument=\"PEG\""))
            #expect(html.contains(">5<"))                                       // PEG mean of 6, 4, 5
            #expect(!html.contains("calf.left\" class"))                        // the failed map saved nothing
        }
    }

    // MARK: the query count does not grow with history

    /// Counts the SQL statements a database logs (SQLiteKit and PostgresKit log "Executing query" with the SQL at debug level).
    struct QueryCounter: LogHandler {
        let count = NIOLockedValueBox(0)
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            if case .string(let sql)? = event.metadata?["sql"], sql.uppercased().hasPrefix("SELECT") { self.count.withLockedValue { $0 += 1 } }
        }
    }

    @Test func recordQueryCountDoesNotGrowWithHistory() async throws {
        try await withClinic { clinic in
            let ana = clinic.user("ana.lmt")
            let small = try await clinic.addPatient(given: "Sam", family: "Small", dob: "1970-01-01", team: [("ana.lmt", true)])
            let large = try await clinic.addPatient(given: "Lara", family: "Large", dob: "1970-01-01", team: [("ana.lmt", true)])
            let today = CalendarDate(clinic.clock.now)
            try await DemoHistory.seed(patient: small, clinician: ana, size: .demo, today: today, days: 60, on: clinic.app.db, now: clinic.clock.now)
            try await DemoHistory.seed(patient: large, clinician: ana, size: .benchmark, today: today, days: 3 * 365, on: clinic.app.db, now: clinic.clock.now)
            func queries(_ p: Patient) async throws -> (Int, AssessmentActions.RecordData) {
                let counter = QueryCounter()
                let db = clinic.app.databases.database(logger: Logger(label: "count", factory: { _ in counter }), on: clinic.app.eventLoopGroup.any())!
                let last = try await AssessmentStore(database: db).assessments(of: p.id).last!
                let before = counter.count.withLockedValue { $0 }
                let data = try await AssessmentActions.loadRecord(last.id, patientID: p.id, on: db)
                return (counter.count.withLockedValue { $0 } - before, data)
            }
            let (few, smallData) = try await queries(small)
            let (many, largeData) = try await queries(large)
            #expect(few > 0)
            #expect(few == many, "small history: \(few) queries, three years: \(many)")
            #expect(smallData.all.count == 3)
            #expect(largeData.all.count == 30)
            #expect(!largeData.record.measures.isEmpty)
        }
    }

    @Test func everyRegionOfTheListIsDrawnOnce() {
        #expect(BodyMapSVG.drawnRegionCodes.sorted() == BodyRegions.all.map(\.code).sorted())
    }
}
