import Foundation
import Testing
@testable import KnotworkCore

/// Plan of care (issue 4): ICD-10-CM codes by date of service (CLINICAL-REFERENCE.md §3.6), goals against the measure
/// engine (§1) and the ROM norms and measurement error (§2.1, §2.2), plan validation, status transitions, revisions and
/// certification.
struct PlanOfCareTests {
    static let today = CalendarDate(year: 2026, month: 1, day: 2)!
    static let birth = CalendarDate(year: 1980, month: 2, day: 29)!
    static let start = CalendarDate(year: 2026, month: 1, day: 5)!

    func date(_ s: String) -> CalendarDate { CalendarDate(s)! }

    func fields(_ body: () throws -> Void) -> [String] {
        do { try body(); return [] } catch let failure as ValidationFailure { return failure.errors.map(\.field) } catch { return ["unexpected \(error)"] }
    }

    func errors(_ body: () throws -> Void) -> [FieldError] {
        do { try body(); return [] } catch let failure as ValidationFailure { return failure.errors } catch { return [FieldError("?", "\(error)")] }
    }

    /// Deterministic ids: 1, 2, 3 …
    final class IDs: @unchecked Sendable {
        var n = 0
        func next() -> UUID {
            self.n += 1
            return UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", self.n))!
        }
    }

    static func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }

    // MARK: - ICD-10-CM catalog (§3.6)

    /// Every row of §3.6, multi-code rows split, plus the FY2022 predecessors M79.1 and M54.5.
    static let section36Codes = [
        "M79.10", "M79.11", "M79.12", "M79.18", "M79.7", "M54.2", "M54.50", "M54.51", "M54.59", "M54.6", "M54.9",
        "M54.30", "M54.31", "M54.32", "M54.40", "M54.41", "M54.42", "M62.830", "M62.831", "M62.838", "M62.81", "M25.50",
        "M25.511", "M25.512", "M25.521", "M25.522", "M25.531", "M25.532", "M25.551", "M25.552", "M25.561", "M25.562",
        "M25.571", "M25.572", "M25.611", "M25.612", "G44.201", "G44.209", "G44.211", "G44.219", "G44.221", "G44.229",
        "G89.29", "G89.4", "M53.1", "M53.82", "S13.4XXA", "S13.4XXD", "S16.1XXA", "S16.1XXD", "S39.012A", "S39.012D",
    ]

    @Test func favouritesHaveEveryRowOfSection3_6OnceAndTheTwoRetiredCodes() {
        let codes = ICD10Catalog.favourites.map(\.code)
        #expect(Set(codes) == Set(Self.section36Codes + ["M79.1", "M54.5"]))
        #expect(codes.count == Self.section36Codes.count + 2)
        for code in ICD10Catalog.favourites {
            #expect(ICD10Catalog.isWellFormed(code.code), "\(code.code)")
            #expect(code.source.hasPrefix("CLINICAL-REFERENCE §3.6 [S49"), "\(code.code)")
            #expect(!code.description.isEmpty, "\(code.code)")
            for r in code.replacedBy { #expect(codes.contains(r), "\(code.code) → \(r)") }
        }
    }

    @Test func retiredCodesCarryTheirFY2022DatesAndReplacements() throws {
        let m545 = try #require(ICD10Catalog.code("M54.5"))
        #expect(m545.validTo == date("2021-09-30"))
        #expect(m545.replacedBy == ["M54.50", "M54.51", "M54.59"])
        // CMS: M79.1 is already a header in FY2021, the first release of the data, so it has no billable period.
        let m791 = try #require(ICD10Catalog.code("M79.1"))
        #expect(m791.validTo == nil)
        #expect(m791.replacedBy == ["M79.10", "M79.11", "M79.12", "M79.18"])
        #expect(!m791.billable)
        for code in ["M54.50", "M54.51", "M54.59"] {
            #expect(ICD10Catalog.code(code)?.validFrom == date("2021-10-01"), "\(code)")
        }
        for code in ["M79.10", "M79.11", "M79.12", "M79.18"] {
            #expect(ICD10Catalog.code(code)?.validFrom == nil, "\(code)")
        }
        // ⚠️ notes of §3.6 stay visible with the code.
        #expect(ICD10Catalog.code("M79.18")?.note.hasPrefix("⚠️") == true)
        #expect(ICD10Catalog.code("G89.29")?.note.hasPrefix("⚠️") == true)
        #expect(ICD10Catalog.code("S13.4XXA")?.confidence == .uncertain)
        #expect(ICD10Catalog.code("M54.2")?.confidence == .confirmed)
    }

    @Test(arguments: [
        // (typed, date of service, nil = accepted, else the message)
        ("M54.5", "2021-09-30", nil),
        ("M54.5", "2021-10-01", "M54.5 is not valid for dates of service from 2021-10-01; use M54.50, M54.51 or M54.59."),
        ("M54.5", "2026-01-05", "M54.5 is not valid for dates of service from 2021-10-01; use M54.50, M54.51 or M54.59."),
        ("M54.50", "2021-09-30", "M54.50 is not valid for dates of service before 2021-10-01; use M54.5."),
        ("M54.50", "2021-10-01", nil),
        ("M54.59", "2020-01-01", "M54.59 is not valid for dates of service before 2021-10-01; use M54.5."),
        ("M79.1", "2021-09-30", "M79.1 is a non-billable header; use M79.10, M79.11, M79.12 or M79.18."),
        ("M79.1", "2021-10-01", "M79.1 is a non-billable header; use M79.10, M79.11, M79.12 or M79.18."),
        ("M79.18", "2021-09-30", nil),
        ("M79.18", "2021-10-01", nil),
        ("m5450", "2026-01-05", nil),
        (" s13.4xxa ", "2026-01-05", nil),
        ("M54.2", "2016-01-01", nil),
        ("", "2026-01-05", "Choose an ICD-10-CM code."),
        ("back pain", "2026-01-05", "“back pain” is not an ICD-10-CM code (for example M54.50)."),
        ("Z99.9", "2026-01-05", "Z99.9 is not an ICD-10-CM code."),
    ] as [(String, String, String?)])
    func validityByDateOfService(code: String, on day: String, message: String?) {
        switch ICD10Catalog.validate(code: code, on: date(day)) {
        case let .success(found):
            #expect(message == nil, "accepted \(found.code)")
            #expect(found.code == ICD10Catalog.normalize(code))
        case let .failure(refusal):
            #expect(refusal.message == message)
        }
    }

    @Test func refusalsNameTheCodesToUse() throws {
        guard case let .failure(after) = ICD10Catalog.validate(code: "M54.5", on: date("2021-10-01")) else { Issue.record("accepted"); return }
        #expect(after.suggestions == ["M54.50", "M54.51", "M54.59"])
        guard case let .failure(before) = ICD10Catalog.validate(code: "M54.51", on: date("2021-09-30")) else { Issue.record("accepted"); return }
        #expect(before.suggestions == ["M54.5"])
        // A category header: the codes under it, the favourites first (13 of CMS's 23).
        guard case let .failure(category) = ICD10Catalog.validate(code: "M25.5", on: Self.start) else { Issue.record("accepted"); return }
        #expect(category.suggestions.first == "M25.50")
        #expect(category.suggestions.count == 23)
        #expect(category.message.hasPrefix("M25.5 is a non-billable header; use M25.50, M25.511"))
        // A category typed without its last character, in a short list that lacks the header: the list's codes under it.
        let short = ICD10CodeSet(ICD10Catalog.favourites)
        guard case let .failure(typed) = ICD10Catalog.validate(code: "M25.5", on: Self.start, in: short) else { Issue.record("accepted"); return }
        #expect(typed.suggestions.count == 13)
        #expect(typed.message.hasPrefix("M25.5 is not an ICD-10-CM code; more specific codes: M25.50, M25.511"))
    }

    @Test func theListIsConfigurable() {
        // The default is CMS's full set; a clinic's own short list still works.
        #expect((try? ICD10Catalog.validate(code: "M53.86", on: Self.start).get())?.code == "M53.86")
        let favourites = ICD10CodeSet(ICD10Catalog.favourites)
        let clinic = ICD10CodeSet(ICD10Catalog.favourites + [ICD10Code(code: "M53.86", description: "Other specified dorsopathies, lumbar region",
                                                                       source: "clinic list")])
        #expect((try? ICD10Catalog.validate(code: "M53.86", on: Self.start, in: clinic).get())?.code == "M53.86")
        #expect((try? ICD10Catalog.validate(code: "M53.86", on: Self.start, in: favourites).get()) == nil)
        // A header with no billable period is never accepted.
        let header = ICD10CodeSet([ICD10Code(code: "M25.5", description: "Pain in joint", billable: false, source: "test")] + ICD10Catalog.favourites)
        guard case let .failure(refusal) = ICD10Catalog.validate(code: "M25.5", on: Self.start, in: header) else { Issue.record("accepted"); return }
        #expect(refusal.message.hasPrefix("M25.5 is a non-billable header; use M25.50, M25.511"))
    }

    @Test(arguments: [
        // "low" also starts "lower" (S39.012x strain of the lower back).
        ("low back", "2026-01-05", ["M54.50", "M54.51", "M54.59", "S39.012A", "S39.012D", "M54.5"]),
        ("low back", "2021-09-01", ["M54.5", "S39.012A", "S39.012D", "M54.50", "M54.51", "M54.59"]),
        ("M54.5", "2026-01-05", ["M54.50", "M54.51", "M54.59", "M54.5"]),
        ("m545", "2026-01-05", ["M54.50", "M54.51", "M54.59", "M54.5"]),
        ("MYALGÍA", "2026-01-05", ["M79.10", "M79.11", "M79.12", "M79.18", "M79.1"]),
        // M79.1 is a header throughout CMS's data (FY2021 on), so it ranks after the valid codes.
        ("myal", "2021-01-01", ["M79.10", "M79.11", "M79.12", "M79.18", "M79.1"]),
        ("tension head", "2026-01-05", ["G44.201", "G44.209", "G44.211", "G44.219", "G44.221", "G44.229"]),
        ("right shoulder", "2026-01-05", ["M25.511", "M25.611"]),
        ("S39", "2026-01-05", ["S39.012A", "S39.012D"]),
        ("spasm", "2026-01-05", ["M62.830", "M62.831", "M62.838"]),
        ("whiplash", "2026-01-05", []),
        ("zzz", "2026-01-05", []),
    ])
    func searchByCodePrefixOrDescriptionWordsValidFirst(query: String, on day: String, expected: [String]) {
        // Over the clinic's short list (the full set's results are in ICD10CodeSetTests).
        let favourites = ICD10CodeSet(ICD10Catalog.favourites, favourites: Set(ICD10Catalog.favourites.map(\.code)))
        #expect(ICD10Catalog.search(query, on: date(day), in: favourites).map(\.code) == expected)
    }

    @Test func emptySearchListsTheFavouritesWithTheInvalidOnesLast() {
        let all = ICD10Catalog.search("  ", on: Self.start, limit: 100).map(\.code)
        #expect(all.count == ICD10Catalog.favourites.count)
        #expect(Set(all.suffix(2)) == ["M79.1", "M54.5"])
        #expect(ICD10Catalog.search("  ", on: Self.start).count == 25)
    }

    // MARK: - Techniques

    @Test func standardTechniquesAreTheIssuesList() {
        let codes = TechniqueCatalog.standard.map(\.code)
        #expect(codes == ["myofascial-release", "trigger-point-therapy", "neuromuscular-therapy", "swedish-effleurage", "cross-fiber-friction",
                          "muscle-energy-technique", "stretching", "lymphatic-drainage", "soft-tissue-mobilization"])
        #expect(Set(codes).count == codes.count)
        // §3.2: 97140 for myofascial release, trigger-point therapy and manual lymphatic drainage; 97124 for effleurage.
        #expect(TechniqueCatalog.technique("myofascial-release")?.cpt == "97140")
        #expect(TechniqueCatalog.technique("swedish-effleurage")?.cpt == "97124")
        #expect(TechniqueCatalog.technique("cross-fiber-friction")?.cpt == nil)
    }

    @Test(arguments: [
        ("myofascial-release", "myofascial-release"), ("Myofascial Release", "myofascial-release"), ("MYOFASCIAL_RELEASE", "myofascial-release"),
        ("Manual lymphatic drainage", "lymphatic-drainage"), ("reiki", nil), ("", nil),
    ] as [(String, String?)])
    func techniqueLookupByCodeOrLabel(text: String, code: String?) {
        #expect(TechniqueCatalog.technique(text)?.code == code)
    }

    // MARK: - Goal measures

    @Test(arguments: [
        // measure, range, direction, meaningful change (points or measurement error)
        (GoalMeasure.instrument("PEG"), 0.0...10.0, MeasureDirection.higherIsWorse, 1.0),          // §1.2 Reed 2024 low end [S3]
        (.instrument("ODI"), 0...100, .higherIsWorse, 10),                                          // §1.5 Ostelo 2008 [S13]
        (.instrument("NDI"), 0...50, .higherIsWorse, 5),                                            // §1.6 Vernon [S18]
        (.instrument("PSFS"), 0...10, .higherIsBetter, 2),                                          // §1.4 MDC average [S19]
        (.instrument("PSEQ"), 0...60, .higherIsBetter, 12.67),                                      // §1.9 larger of MIC 5.5 and SDC 12.67
        (.psfsActivity("climbing stairs"), 0...10, .higherIsBetter, 3),                             // §1.4 MDC single activity [S19]
        (.rangeOfMotion(joint: "shoulder", motion: "flexion", side: .left), -30...200, .higherIsBetter, 4), // §2.2 Boone [S33]
        (.rangeOfMotion(joint: "knee", motion: "extension", side: .right), -30...200, .higherIsBetter, 4),
    ] as [(GoalMeasure, ClosedRange<Double>, MeasureDirection, Double)])
    func measureProfilesComeFromTheEngine(measure: GoalMeasure, range: ClosedRange<Double>, direction: MeasureDirection, change: Double) throws {
        let profile = try #require(measure.profile())
        #expect(profile.range == range)
        #expect(profile.direction == direction)
        #expect(profile.meaningfulChange?.pointsThreshold == change)
        #expect(measure.range == range)
        #expect(measure.direction == direction)
    }

    @Test func romGoalsUseTheSameExaminerThresholdOfThePlannedMethod() throws {
        let shoulder = try #require(GoalMeasure.rangeOfMotion(joint: "shoulder", motion: "flexion", side: .left).profile())
        #expect(shoulder.meaningfulChange?.citation.contains("Boone 1978") == true)
        // §2.2 has no goniometer figure for the spine: the conservative ⚠️ default; a CROM plan uses Fletcher & Bandy.
        let neck = GoalMeasure.rangeOfMotion(joint: "cervical", motion: "flexion", side: nil)
        #expect(neck.profile()?.meaningfulChange?.measurementError == 25)
        #expect(neck.profile(romMethod: .crom)?.meaningfulChange?.measurementError == 9.6)
        var thresholds = ROMErrorThresholds()
        thresholds.goniometerSameExaminer = 3
        #expect(GoalMeasure.rangeOfMotion(joint: "hip", motion: "flexion", side: .right).profile(romThresholds: thresholds)?
            .meaningfulChange?.measurementError == 3)
    }

    @Test func diaryMeasuresAreTheSleepAndPainFreeItems() throws {
        #expect(GoalMeasure.diaryCodes() == ["SLEEP-HOURS", "SLEEP-QUALITY", "SLEEP-WAKINGS", "PAINFREE-HOURS", "PAINFREE-DAYS"])
        let days = try #require(GoalMeasure.diary("PAINFREE-DAYS").profile())
        #expect(days.range == 0...7)
        #expect(days.direction == .higherIsBetter)
        #expect(days.meaningfulChange == nil)   // §1.12: no validated instrument ❓
        #expect(GoalMeasure.diary("SLEEP-WAKINGS").direction == .higherIsWorse)
        #expect(GoalMeasure.diary("PEG").profile() == nil)
        #expect(GoalMeasure.instrument("SLEEP-HOURS").profile() == nil)
        #expect(GoalMeasure.instrument("PGIC").profile() == nil)
        #expect(GoalMeasure.instrument("GROC").profile() == nil)
    }

    @Test func goalMeasuresEncodeFlat() throws {
        let measure = GoalMeasure.rangeOfMotion(joint: "shoulder", motion: "flexion", side: .left)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(measure), as: UTF8.self)
        #expect(json == #"{"joint":"shoulder","kind":"rangeOfMotion","motion":"flexion","side":"left"}"#)
        for m in [measure, .instrument("PEG"), .diary("SLEEP-HOURS"), .psfsActivity("lifting my grandchild"),
                  .rangeOfMotion(joint: "cervical", motion: "flexion", side: nil)] {
            #expect(try JSONDecoder().decode(GoalMeasure.self, from: encoder.encode(m)) == m)
        }
    }

    // MARK: - Goal validation

    static func goal(_ kind: String?, code: String? = nil, joint: String? = nil, motion: String? = nil, side: String? = nil,
                     activity: String? = nil, baseline: Double?, target: Double?, by targetDate: String? = "2026-03-02",
                     description: String? = "Reduce pain interference") -> GoalInput {
        GoalInput(description: description, measure: GoalMeasureInput(kind: kind, code: code, joint: joint, motion: motion, side: side, activity: activity),
                  baseline: baseline, target: target, targetDate: targetDate)
    }

    @Test(arguments: [
        ("PEG target 2 from baseline 6", goal("instrument", code: "PEG", baseline: 6, target: 2), [String]()),
        ("PEG target 8 from baseline 6: wrong side", goal("instrument", code: "PEG", baseline: 6, target: 8), ["target"]),
        ("PEG target equal to baseline", goal("instrument", code: "PEG", baseline: 6, target: 6), ["target"]),
        ("PEG lower-case code", goal("Instrument", code: "peg", baseline: 6.33, target: 3.5), []),
        ("PSFS target 11: outside range", goal("instrument", code: "PSFS", baseline: 4, target: 11), ["target"]),
        ("PSFS target 8 from 4", goal("instrument", code: "PSFS", baseline: 4, target: 8), []),
        ("PSFS activity target 11", goal("psfsActivity", activity: "climbing stairs", baseline: 3, target: 11), ["target"]),
        ("PSFS activity 3 → 7 (kind psfs)", goal("psfs", activity: "climbing stairs", baseline: 3, target: 7), []),
        ("PSFS activity without its name", goal("psfsActivity", baseline: 3, target: 7), ["measure.activity"]),
        ("ROM shoulder flexion 120 → 170", goal("rangeOfMotion", joint: "shoulder", motion: "flexion", side: "left", baseline: 120, target: 170), []),
        ("ROM kind rom, spaced motion", goal("ROM", joint: "Shoulder", motion: "external rotation", side: "Right", baseline: 40, target: 70), []),
        ("ROM knee extension −10 → 0", goal("rangeOfMotion", joint: "knee", motion: "extension", side: "left", baseline: -10, target: 0), []),
        ("ROM shoulder flexion 170 → 120", goal("rangeOfMotion", joint: "shoulder", motion: "flexion", side: "left", baseline: 170, target: 120), ["target"]),
        ("ROM shoulder flexion target 250", goal("rangeOfMotion", joint: "shoulder", motion: "flexion", side: "left", baseline: 120, target: 250), ["target"]),
        ("ROM paired motion without side", goal("rangeOfMotion", joint: "shoulder", motion: "flexion", baseline: 120, target: 170), ["measure.side"]),
        ("ROM spinal flexion with a side", goal("rangeOfMotion", joint: "cervical", motion: "flexion", side: "left", baseline: 30, target: 40), ["measure.side"]),
        ("ROM bad side", goal("rangeOfMotion", joint: "shoulder", motion: "flexion", side: "both", baseline: 120, target: 170), ["measure.side"]),
        ("ROM unknown joint", goal("rangeOfMotion", joint: "jaw", motion: "opening", side: "left", baseline: 20, target: 40), ["measure.joint"]),
        ("ROM unknown motion", goal("rangeOfMotion", joint: "shoulder", motion: "circumduction", side: "left", baseline: 20, target: 40), ["measure.motion"]),
        ("ROM without joint and motion", goal("rangeOfMotion", baseline: 20, target: 40), ["measure.joint", "measure.motion"]),
        ("unknown instrument", goal("instrument", code: "WOMAC", baseline: 6, target: 2), ["measure.code"]),
        ("instrument without code", goal("instrument", baseline: 6, target: 2), ["measure.code"]),
        ("PGIC has no baseline", goal("instrument", code: "PGIC", baseline: 4, target: 2), ["measure.code"]),
        ("diary item as instrument", goal("instrument", code: "SLEEP-HOURS", baseline: 5, target: 7), ["measure.code"]),
        ("diary sleep hours 5 → 7", goal("diary", code: "sleep-hours", baseline: 5, target: 7), []),
        ("diary wakings 4 → 1", goal("diary", code: "SLEEP-WAKINGS", baseline: 4, target: 1), []),
        ("diary pain-free days target 8", goal("diary", code: "PAINFREE-DAYS", baseline: 1, target: 8), ["target"]),
        ("PEG is not a diary metric", goal("diary", code: "PEG", baseline: 6, target: 2), ["measure.code"]),
        ("no measure", GoalInput(description: "x", baseline: 6, target: 2, targetDate: "2026-03-02"), ["measure.kind"]),
        ("unknown measure kind", goal("questionnaire", code: "PEG", baseline: 6, target: 2), ["measure.kind"]),
        ("baseline missing", goal("instrument", code: "PEG", baseline: nil, target: 2), ["baseline"]),
        ("baseline outside range", goal("instrument", code: "PEG", baseline: 12, target: 2), ["baseline"]),
        ("target missing", goal("instrument", code: "PEG", baseline: 6, target: nil), ["target"]),
        ("target not a number", goal("instrument", code: "PEG", baseline: 6, target: .nan), ["target"]),
        ("target date on the plan start", goal("instrument", code: "PEG", baseline: 6, target: 2, by: "2026-01-05"), ["targetDate"]),
        ("target date before the plan start", goal("instrument", code: "PEG", baseline: 6, target: 2, by: "2025-12-01"), ["targetDate"]),
        ("target date not a date", goal("instrument", code: "PEG", baseline: 6, target: 2, by: "2026-02-30"), ["targetDate"]),
        ("target date missing", goal("instrument", code: "PEG", baseline: 6, target: 2, by: nil), ["targetDate"]),
        ("description missing", goal("instrument", code: "PEG", baseline: 6, target: 2, description: "  "), ["description"]),
        ("everything wrong at once", GoalInput(description: nil, measure: GoalMeasureInput(kind: "instrument", code: "PEG"), baseline: 6, target: 9,
                                               targetDate: "2025-01-01"), ["description", "target", "targetDate"]),
    ] as [(String, GoalInput, [String])])
    func goalValidation(name: String, input: GoalInput, expected: [String]) {
        #expect(fields { _ = try input.validated(planStart: Self.start) } == expected, "\(name)")
    }

    @Test func goalMessagesSayWhichWayIsBetter() {
        let worse = errors { _ = try Self.goal("instrument", code: "PEG", baseline: 6, target: 8).validated(planStart: Self.start) }
        #expect(worse == [FieldError("target", "Target must be below the baseline (6): for PEG lower is better.")])
        let rom = errors {
            _ = try Self.goal("rangeOfMotion", joint: "shoulder", motion: "flexion", side: "left", baseline: 170, target: 120)
                .validated(planStart: Self.start)
        }
        #expect(rom == [FieldError("target", "Target must be above the baseline (170°): for shoulder flexion higher is better.")])
        let range = errors { _ = try Self.goal("instrument", code: "PSFS", baseline: 4, target: 11).validated(planStart: Self.start) }
        #expect(range == [FieldError("target", "Target must be between 0 and 10 for PSFS.")])
        let pgic = errors { _ = try Self.goal("instrument", code: "PGIC", baseline: 4, target: 2).validated(planStart: Self.start) }
        #expect(pgic.first?.message.contains("rating of change") == true)
    }

    @Test func goalKeepsItsIDOrGetsANewOne() throws {
        let ids = IDs()
        let new = try Self.goal("instrument", code: "PEG", baseline: 6, target: 2).validated(planStart: Self.start, newID: ids.next)
        #expect(new.id == Self.id(1))
        #expect(new.measure == .instrument("PEG"))
        #expect(new.targetDate == date("2026-03-02"))
        var input = Self.goal("rangeOfMotion", joint: "shoulder", motion: "flexion", side: "left", baseline: 120, target: 170)
        input.id = Self.id(42)
        let kept = try input.validated(planStart: Self.start, newID: ids.next)
        #expect(kept.id == Self.id(42))
        #expect(kept.measure == .rangeOfMotion(joint: "shoulder", motion: "flexion", side: .left))
    }

    // MARK: - Plan validation

    static func validInput() -> PlanOfCareInput {
        PlanOfCareInput(
            problems: [ProblemInput(icd10: "M54.50", note: "Worse after long drives"), ProblemInput(icd10: "m54.2")],
            goals: [
                goal("instrument", code: "PEG", baseline: 6, target: 3, description: "Less pain interference"),
                goal("rangeOfMotion", joint: "shoulder", motion: "flexion", side: "left", baseline: 120, target: 170,
                     description: "Reach the top shelf"),
            ],
            techniques: [
                PlannedTechniqueInput(technique: "myofascial-release", regions: ["lowback.left", "lowback.right", "sacrum"]),
                PlannedTechniqueInput(technique: "Trigger-point therapy (non-injection)", regions: ["shoulder-top.left"]),
            ],
            frequencyPerWeek: 1, durationWeeks: 8, start: "2026-01-05", reEvaluationDate: "2026-02-02",
            endGoal: "Drive an hour to work without low back pain.",
            dischargeCriteria: "PEG ≤ 3 and full shoulder flexion, or a plateau over two re-evaluations.",
            homeCare: [HomeCareItemInput(factor: "workstation", instruction: "Raise the monitor to eye level."),
                       HomeCareItemInput(instruction: "Walk 10 minutes after lunch.")])
    }

    func validate(_ input: PlanOfCareInput, status: PlanStatus = .draft, ids: IDs = IDs()) throws -> PlanOfCare {
        try input.validated(today: Self.today, birthDate: Self.birth, techniques: TechniqueCatalog.standard, status: status, newID: ids.next)
    }

    @Test func aValidPlan() throws {
        let plan = try validate(Self.validInput())
        #expect(plan.problems == [Problem(icd10: "M54.50", note: "Worse after long drives"), Problem(icd10: "M54.2")])
        #expect(plan.goals.map(\.id) == [Self.id(1), Self.id(2)])
        #expect(plan.goals[1].measure == .rangeOfMotion(joint: "shoulder", motion: "flexion", side: .left))
        #expect(plan.techniques.map(\.technique.code) == ["myofascial-release", "trigger-point-therapy"])
        #expect(plan.techniques[0].regions.map(\.code) == ["lowback.left", "lowback.right", "sacrum"])
        #expect(plan.frequencyPerWeek == 1)
        #expect(plan.durationWeeks == 8)
        #expect(plan.start == date("2026-01-05"))
        #expect(plan.endDate == date("2026-03-02"))
        #expect(plan.plannedVisits == 8)
        #expect(plan.homeCare == [HomeCareItem(factor: .workstation, instruction: "Raise the monitor to eye level."),
                                  HomeCareItem(factor: nil, instruction: "Walk 10 minutes after lunch.")])
        #expect(plan.status == .draft)
        #expect(try validate(Self.validInput(), status: .active).status == .active)
    }

    @Test func blankFormRowsAreSkipped() throws {
        var input = Self.validInput()
        input.problems! += [ProblemInput(icd10: " ", note: "")]
        input.goals! += [GoalInput(description: " ", measure: GoalMeasureInput(kind: ""))]
        input.techniques! += [PlannedTechniqueInput(technique: "", regions: ["", " "])]
        input.homeCare! += [HomeCareItemInput(factor: "", instruction: "")]
        let plan = try validate(input)
        #expect(plan.problems.count == 2)
        #expect(plan.goals.count == 2)
        #expect(plan.techniques.count == 2)
        #expect(plan.homeCare.count == 2)
    }

    static func mutated(_ change: (inout PlanOfCareInput) -> Void) -> PlanOfCareInput {
        var input = validInput()
        change(&input)
        return input
    }

    @Test(arguments: [
        ("M54.5 on a 2026 start", mutated { $0.problems![0].icd10 = "M54.5" }, ["problems[0].icd10"]),
        ("unknown code", mutated { $0.problems![1].icd10 = "Z99.9" }, ["problems[1].icd10"]),
        ("code listed twice", mutated { $0.problems![1].icd10 = "m5450" }, ["problems[1].icd10"]),
        ("note without a code", mutated { $0.problems! += [ProblemInput(note: "x")] }, ["problems[2].icd10"]),
        ("no problems", mutated { $0.problems = [] }, ["problems"]),
        ("goal target on the wrong side", mutated { $0.goals![1].target = 100 }, ["goals[1].target"]),
        ("goal target date before start", mutated { $0.goals![0].targetDate = "2026-01-01" }, ["goals[0].targetDate"]),
        ("goal listed twice", mutated { $0.goals![0].id = PlanOfCareTests.id(7); $0.goals![1].id = PlanOfCareTests.id(7) }, ["goals[1].id"]),
        ("no goals", mutated { $0.goals = nil }, ["goals"]),
        ("unknown technique", mutated { $0.techniques![0].technique = "reiki" }, ["techniques[0].technique"]),
        ("technique missing", mutated { $0.techniques![1].technique = nil }, ["techniques[1].technique"]),
        ("technique listed twice", mutated { $0.techniques![1].technique = "Myofascial release" }, ["techniques[1].technique"]),
        ("unknown region", mutated { $0.techniques![0].regions![2] = "tail" }, ["techniques[0].regions[2]"]),
        ("paired area without a side", mutated { $0.techniques![0].regions![2] = "buttock" }, ["techniques[0].regions[2]"]),
        ("midline area with a side", mutated { $0.techniques![0].regions![2] = "sacrum.left" }, ["techniques[0].regions[2]"]),
        ("region listed twice", mutated { $0.techniques![0].regions![2] = "LOWBACK.LEFT" }, ["techniques[0].regions[2]"]),
        ("technique without regions", mutated { $0.techniques![1].regions = [] }, ["techniques[1].regions"]),
        ("no techniques", mutated { $0.techniques = [] }, ["techniques"]),
        ("frequency missing", mutated { $0.frequencyPerWeek = nil }, ["frequencyPerWeek"]),
        ("frequency 0", mutated { $0.frequencyPerWeek = 0 }, ["frequencyPerWeek"]),
        ("frequency 8", mutated { $0.frequencyPerWeek = 8 }, ["frequencyPerWeek"]),
        ("duration 0", mutated { $0.durationWeeks = 0 }, ["durationWeeks"]),
        ("duration 53", mutated { $0.durationWeeks = 53 }, ["durationWeeks"]),
        ("start missing", mutated { $0.start = nil }, ["start"]),
        ("start not a date", mutated { $0.start = "05/01/2026" }, ["start"]),
        ("start before birth", mutated { $0.start = "1979-01-01"; $0.reEvaluationDate = "1979-02-01" }, ["start"]),
        ("start more than a year ahead", mutated { $0.start = "2027-01-03"; $0.reEvaluationDate = "2027-02-01" }, ["start"]),
        ("re-evaluation on the start", mutated { $0.reEvaluationDate = "2026-01-05" }, ["reEvaluationDate"]),
        ("re-evaluation after the end", mutated { $0.reEvaluationDate = "2026-03-03" }, ["reEvaluationDate"]),
        ("re-evaluation missing", mutated { $0.reEvaluationDate = "" }, ["reEvaluationDate"]),
        ("end goal missing", mutated { $0.endGoal = "\n" }, ["endGoal"]),
        ("end goal too long", mutated { $0.endGoal = String(repeating: "x", count: 501) }, ["endGoal"]),
        ("discharge criteria missing", mutated { $0.dischargeCriteria = nil }, ["dischargeCriteria"]),
        ("unknown factor", mutated { $0.homeCare![0].factor = "diet" }, ["homeCare[0].factor"]),
        ("factor without instruction", mutated { $0.homeCare![1] = HomeCareItemInput(factor: "stress") }, ["homeCare[1].instruction"]),
    ] as [(String, PlanOfCareInput, [String])])
    func planValidation(name: String, input: PlanOfCareInput, expected: [String]) {
        #expect(fields { _ = try validate(input) } == expected, "\(name)")
    }

    @Test func reEvaluationOnTheLastDayIsAllowed() throws {
        let plan = try validate(Self.mutated { $0.reEvaluationDate = "2026-03-02" })
        #expect(plan.reEvaluationDate == plan.endDate)
    }

    @Test func icd10IsCheckedOnThePlanStart() throws {
        // M54.5 was valid for a plan that started before FY2022; M54.50 was not.
        let old = Self.mutated {
            $0.start = "2021-09-30"; $0.reEvaluationDate = "2021-10-28"; $0.problems = [ProblemInput(icd10: "M54.5")]
            for i in $0.goals!.indices { $0.goals![i].targetDate = "2021-11-25" }
        }
        let plan = try old.validated(today: date("2021-09-29"), birthDate: Self.birth, techniques: TechniqueCatalog.standard)
        #expect(plan.problems.map(\.icd10) == ["M54.5"])
        var newer = old
        newer.problems = [ProblemInput(icd10: "M54.50")]
        let refused = errors { _ = try newer.validated(today: date("2021-09-29"), birthDate: Self.birth, techniques: TechniqueCatalog.standard) }
        #expect(refused == [FieldError("problems[0].icd10", "M54.50 is not valid for dates of service before 2021-10-01; use M54.5.")])
    }

    @Test func everyErrorIsReportedAtOnceWithItsPath() {
        let input = Self.mutated {
            $0.problems![0].icd10 = "M54.5"
            $0.goals![1].target = 100
            $0.techniques![0].technique = "reiki"
            $0.techniques![0].regions![2] = "buttock"
            $0.frequencyPerWeek = 0
            $0.endGoal = nil
        }
        let found = errors { _ = try validate(input) }
        #expect(found.map(\.field) == ["frequencyPerWeek", "problems[0].icd10", "goals[1].target", "techniques[0].technique",
                                       "techniques[0].regions[2]", "endGoal"])
        #expect(found[1].message == "M54.5 is not valid for dates of service from 2021-10-01; use M54.50, M54.51 or M54.59.")
        #expect(found[3].message.hasPrefix("“reiki” is not in the clinic's technique list (one of: myofascial-release,"))
        #expect(found[4].message == "“buttock” is not a body region; a paired area needs a side (buttock.left or buttock.right).")
    }

    @Test func theTechniqueListIsConfigurable() throws {
        let clinic = [Technique(code: "cupping", label: "Cupping")]
        let input = Self.mutated { $0.techniques = [PlannedTechniqueInput(technique: "Cupping", regions: ["lowback.left"])] }
        let plan = try input.validated(today: Self.today, birthDate: Self.birth, techniques: clinic)
        #expect(plan.techniques.map(\.technique) == clinic)
        #expect(fields { _ = try Self.validInput().validated(today: Self.today, birthDate: Self.birth, techniques: clinic) }
            == ["techniques[0].technique", "techniques[1].technique"])
    }

    @Test(arguments: [(1.0, 8, 8), (2, 6, 12), (0.5, 9, 5), (0.25, 12, 3), (3, 4, 12)] as [(Double, Int, Int)])
    func plannedVisitsAreFrequencyTimesDurationRoundedUp(frequency: Double, weeks: Int, visits: Int) throws {
        let plan = try validate(Self.mutated { $0.frequencyPerWeek = frequency; $0.durationWeeks = weeks })
        #expect(plan.plannedVisits == visits)
    }

    @Test func homeCareStartsFromThePerpetuatingFactors() {
        let hypothesis = RootCauseHypothesis(
            suspectedSources: [SuspectedSource(muscle: "upper-trapezius")], evidence: "x",
            factors: [PerpetuatingFactor(kind: .workstation, selfCareAction: "Raise the monitor."),
                      PerpetuatingFactor(kind: .stress, selfCareAction: "Breathing exercise.", status: .dropped),
                      PerpetuatingFactor(kind: .sleepPosition, selfCareAction: "Pillow between the knees.", status: .confirmed)])
        #expect(HomeCareItem.suggested(from: hypothesis) == [HomeCareItem(factor: .workstation, instruction: "Raise the monitor."),
                                                             HomeCareItem(factor: .sleepPosition, instruction: "Pillow between the knees.")])
    }

    @Test func aPlanRoundTripsThroughJSON() throws {
        let plan = try validate(Self.validInput())
        let data = try JSONEncoder().encode(plan)
        #expect(try JSONDecoder().decode(PlanOfCare.self, from: data) == plan)
    }

    // MARK: - Status transitions

    /// The whole table: every (from, to) pair, allowed or not.
    static let allowedMoves: Set<String> = [
        "draft→active", "draft→discontinued",
        "active→onHold", "active→maintenance", "active→completed", "active→discontinued",
        "maintenance→active", "maintenance→onHold", "maintenance→completed", "maintenance→discontinued",
        "onHold→active", "onHold→maintenance", "onHold→discontinued",
    ]
    static let everyPair: [(PlanStatus, PlanStatus)] = PlanStatus.allCases.flatMap { a in PlanStatus.allCases.map { (a, $0) } }

    @Test(arguments: everyPair)
    func statusTransition(from: PlanStatus, to: PlanStatus) {
        let allowed = Self.allowedMoves.contains("\(from.rawValue)→\(to.rawValue)")
        #expect(from.canMove(to: to) == allowed)
        let result = fields { _ = try from.moved(to: to) }
        #expect(result == (allowed ? [] : ["status"]))
    }

    @Test func everyPairIsCovered() {
        #expect(Self.everyPair.count == 36)
        #expect(PlanStatus.allCases.filter(\.isFinal) == [.completed, .discontinued])
    }

    @Test func refusedMovesSayWhy() {
        #expect(errors { _ = try PlanStatus.draft.moved(to: .maintenance) }
            == [FieldError("status", "A plan that is draft cannot move to maintenance; it can move to: active, discontinued.")])
        #expect(errors { _ = try PlanStatus.completed.moved(to: .active) }
            == [FieldError("status", "A completed plan cannot change status; write a new plan.")])
        #expect(errors { _ = try PlanStatus.active.moved(to: .active) } == [FieldError("status", "The plan is already active.")])
    }

    @Test func aPlanMovesOnlyAlongTheTable() throws {
        var plan = try validate(Self.validInput())
        try plan.move(to: .active)
        try plan.move(to: .maintenance)
        try plan.move(to: .active)   // relapse reopens active treatment
        #expect(plan.status == .active)
        try plan.move(to: .completed)
        #expect(fields { try plan.move(to: .active) } == ["status"])
        #expect(plan.status == .completed)
    }

    // MARK: - Revisions

    @Test func diffNamesEachChangedField() throws {
        let old = try validate(Self.mutated { $0.frequencyPerWeek = 2 })
        var new = old
        new.frequencyPerWeek = 1
        new.status = .active
        new.goals[0].target = 2
        new.goals.remove(at: 1)
        new.goals.append(Goal(id: Self.id(9), description: "Sleep through the night", measure: .diary("SLEEP-WAKINGS"), baseline: 3,
                              target: 0, targetDate: date("2026-03-02")))
        new.problems[0].note = "Worse after sitting"
        new.problems.append(Problem(icd10: "M79.18"))
        new.techniques[0].regions = [BodyRegion(code: "lowback.left")!, BodyRegion(code: "buttock.left")!]
        new.homeCare.removeLast()
        new.durationWeeks = 6
        let changes = PlanOfCare.diff(old, new)
        #expect(changes.map(\.summary) == [
            "Status: Draft → Active",
            "Frequency: 2 → 1 per week",
            "Duration: 8 → 6 weeks",
            "Problem M54.50 note: “Worse after long drives” → “Worse after sitting”",
            "Problem added: M79.18 Myalgia, other site",
            "Goal removed: “Reach the top shelf” (Shoulder flexion, left 120 → 170 by 2026-03-02)",
            "Goal “Less pain interference” target: 3 → 2",
            "Goal added: “Sleep through the night” (SLEEP-WAKINGS 3 → 0 by 2026-03-02)",
            "Myofascial release regions: added Left buttock; removed Right low back, Sacrum and coccyx",
            "Home care removed: Walk 10 minutes after lunch.",
        ])
        #expect(changes.map(\.field) == ["status", "frequencyPerWeek", "durationWeeks", "problems.note", "problems", "goals", "goals.target",
                                         "goals", "techniques.regions", "homeCare"])
        let target = changes[6]
        #expect(target.kind == .changed)
        #expect(target.item == Self.id(1).uuidString)
        #expect((target.before, target.after) == ("3", "2"))
        #expect(changes[5].kind == .removed)
        #expect(changes[7].kind == .added)
    }

    @Test func diffOfTheRemainingFields() throws {
        let old = try validate(Self.validInput())
        var new = old
        new.start = date("2026-01-12")
        new.reEvaluationDate = date("2026-02-09")
        new.endGoal = "Drive two hours."
        new.dischargeCriteria = "PEG ≤ 2."
        new.goals[1].description = "Reach overhead"
        new.goals[1].baseline = 125
        new.goals[1].targetDate = date("2026-03-09")
        new.goals[0].measure = .instrument("BPI-INTERFERENCE")
        new.problems.removeLast()
        new.techniques.removeLast()
        new.techniques.append(PlannedTechnique(technique: TechniqueCatalog.technique("stretching")!, regions: [BodyRegion(code: "neck-back.right")!]))
        new.homeCare[0].factor = .posture
        #expect(PlanOfCare.diff(old, new).map(\.summary) == [
            "Start: 2026-01-05 → 2026-01-12",
            "Re-evaluation date: 2026-02-02 → 2026-02-09",
            "Problem removed: M54.2 Cervicalgia",
            "Goal “Less pain interference” measure: PEG → BPI-INTERFERENCE",
            "Goal description: “Reach the top shelf” → “Reach overhead”",
            "Goal “Reach overhead” baseline: 120 → 125",
            "Goal “Reach overhead” target date: 2026-03-02 → 2026-03-09",
            "Technique removed: Trigger-point therapy (non-injection)",
            "Technique added: Stretching (Right back of the neck)",
            "End goal: “Drive an hour to work without low back pain.” → “Drive two hours.”",
            "Discharge criteria: “PEG ≤ 3 and full shoulder flexion, or a plateau over two re-evaluations.” → “PEG ≤ 2.”",
            "Home care removed: Workstation set-up: Raise the monitor to eye level.",
            "Home care added: Posture: Raise the monitor to eye level.",
        ])
    }

    @Test func revisionsAreNumberedAndOnlyRecordedWhenSomethingChanged() throws {
        let t0 = Date(timeIntervalSince1970: 1_767_600_000)
        let plan = try validate(Self.validInput())
        let first = try #require(PlanRevision.next(after: [], from: nil, to: plan, at: t0, by: "Dana Reyes, LMT"))
        #expect(first.number == 1)
        #expect(first.changes.map(\.summary) == ["Plan created (draft)."])
        #expect(PlanRevision.next(after: [first], from: plan, to: plan, at: t0, by: "Dana Reyes, LMT") == nil)
        var active = plan
        try active.move(to: .active)
        let second = try #require(PlanRevision.next(after: [first], from: plan, to: active, at: t0.addingTimeInterval(60), by: "Dana Reyes, LMT"))
        #expect(second.number == 2)
        #expect(second.at == t0.addingTimeInterval(60))
        #expect(second.by == "Dana Reyes, LMT")
        #expect(second.changes == [PlanChange(field: "status", kind: .changed, before: "Draft", after: "Active", summary: "Status: Draft → Active")])
    }

    // MARK: - Certification

    static let provider = UUID(uuidString: "00000000-0000-0000-0000-0000000000AA")!

    static func certification(_ from: String, _ to: String) -> Certification {
        Certification(providerID: provider, providerName: "Dr. Lee", signedAt: Date(timeIntervalSince1970: 1_767_600_000),
                      period: CalendarDate(from)!...CalendarDate(to)!)
    }

    @Test(arguments: [
        // (required, certification period, status, needs certification)
        (false, nil, PlanStatus.active, false),
        (true, nil, .draft, true),
        (true, nil, .active, true),
        (true, ("2026-01-05", "2026-03-02"), .active, false),
        (true, ("2026-01-01", "2026-04-01"), .active, false),
        (true, ("2026-01-05", "2026-02-28"), .active, true),     // ends before the plan does
        (true, ("2026-01-06", "2026-04-01"), .active, true),     // starts after the plan does
        (true, nil, .completed, false),
        (true, nil, .discontinued, false),
        (true, nil, .onHold, true),
    ] as [(Bool, (String, String)?, PlanStatus, Bool)])
    func certificationIsNeededOnlyWhenThePolicyAsksAndNoneCoversThePlan(required: Bool, period: (String, String)?, status: PlanStatus,
                                                                         needs: Bool) throws {
        let plan = try validate(Self.validInput(), status: status)
        let current = period.map { Self.certification($0.0, $0.1) }
        #expect(plan.needsCertification(policy: CertificationPolicy(required: required), current: current) == needs)
    }

    @Test func certificationRoundTripsThroughJSON() throws {
        let c = Self.certification("2026-01-05", "2026-03-02")
        #expect(try JSONDecoder().decode(Certification.self, from: JSONEncoder().encode(c)) == c)
        #expect(CertificationPolicy.notRequired.required == false)
    }

    // MARK: - Baselines taken from the record

    @Test func aGoalWithoutABaselineTakesTheRecordedValueAndATypedOneIsKept() throws {
        let peg = GoalMeasureInput(kind: "instrument", code: "PEG")
        let psfs = GoalMeasureInput(kind: "psfs", activity: "Lifting my grandchild")
        let input = PlanOfCareInput(goals: [GoalInput(description: "Less interference", measure: peg, target: 3, targetDate: "2026-03-01"),
                                            GoalInput(description: "Lift", measure: psfs, baseline: 4, target: 8, targetDate: "2026-03-01"),
                                            GoalInput(description: "Sleep", measure: GoalMeasureInput(kind: "instrument", code: "NDI"), target: 10,
                                                      targetDate: "2026-03-01")])
        var asked: [GoalMeasure] = []
        let filled = input.takingBaselines { measure in
            asked.append(measure)
            return measure == .instrument("PEG") ? RecordedValue(value: 6.5, recordedOn: self.date("2026-01-03")) : nil
        }
        #expect(asked == [.instrument("PEG"), .instrument("NDI")])            // a typed baseline is not looked up
        let goals = try #require(filled.goals)
        #expect(goals[0].baseline == 6.5)
        #expect(goals[1].baseline == 4)
        #expect(goals[2].baseline == nil)                                       // nothing recorded: validation asks for it
        let errors = self.errors { _ = try goals[2].validated(planStart: Self.start) }
        #expect(errors.first { $0.field == "baseline" }?.message.contains("record it in the assessment") == true)
        let goal = try goals[0].validated(planStart: Self.start)
        #expect(goal.baselineRecordedOn == self.date("2026-01-03"))
        // A revision that keeps the goal and its baseline keeps the day; a changed baseline is typed, with no day.
        var kept = GoalInput(id: goal.id, description: "Less interference", measure: peg, baseline: 6.5, target: 3, targetDate: "2026-03-01")
        let previous = try PlanOfCare.sampleWithGoal(goal)
        #expect(try PlanOfCareInput(goals: [kept]).takingBaselines(previous: previous) { _ in nil }.goals![0].validated(planStart: Self.start)
            .baselineRecordedOn == self.date("2026-01-03"))
        kept.baseline = 7
        #expect(try PlanOfCareInput(goals: [kept]).takingBaselines(previous: previous) { _ in nil }.goals![0].validated(planStart: Self.start)
            .baselineRecordedOn == nil)
    }
}

extension PlanOfCare {
    /// A plan holding one goal, for the baseline carry-over rule (nothing else of the plan is read).
    static func sampleWithGoal(_ goal: Goal) throws -> PlanOfCare {
        var plan = try PlanOfCareInput(problems: [ProblemInput(icd10: "M54.2")],
                                       goals: [GoalInput(description: "x", measure: GoalMeasureInput(kind: "instrument", code: "PEG"),
                                                         baseline: 6, target: 3, targetDate: "2026-03-01")],
                                       techniques: [PlannedTechniqueInput(technique: "stretching", regions: ["neck-back.left"])],
                                       frequencyPerWeek: 1, durationWeeks: 8, start: "2026-01-05", reEvaluationDate: "2026-02-02",
                                       endGoal: "Drive without pain.", dischargeCriteria: "PEG 3 or less.")
            .validated(today: CalendarDate("2026-01-02")!, birthDate: CalendarDate("1980-02-29")!, techniques: TechniqueCatalog.standard)
        plan.goals = [goal]
        return plan
    }
}
