import Foundation
import Testing
@testable import KnotworkCore

/// Table tests for the outcome-measure engine; every expected number is from ../shared/CLINICAL-REFERENCE.md §1.
struct MeasureTests {
    func inst(_ code: String) -> Instrument { Instruments.named(code)! }

    func fields(_ body: () throws -> Void) -> [String] {
        do { try body(); return [] } catch let failure as ValidationFailure { return failure.errors.map(\.field) } catch { return ["unexpected \(error)"] }
    }

    // MARK: catalog

    @Test func catalogHasEveryInstrumentOnceAndLookupIsCaseInsensitive() {
        let codes = Instruments.all.map(\.code)
        #expect(Set(codes).count == codes.count)
        for code in ["NRS-NOW", "NRS-24H", "NRS-WEEK", "PEG", "PSFS", "PGIC", "GROC", "SLEEP-HOURS", "SLEEP-QUALITY",
                     "SLEEP-WAKINGS", "PAINFREE-HOURS", "PAINFREE-DAYS", "ODI", "NDI", "PROMIS-PI", "PROMIS-SD", "PSEQ",
                     "BPI-SEVERITY", "BPI-INTERFERENCE"] {
            #expect(codes.contains(code), "\(code)")
        }
        #expect(Instruments.named("peg")?.code == "PEG")
        #expect(Instruments.named("XYZ") == nil)
    }

    @Test(arguments: [
        ("PEG", "91147-9"), ("ODI", "97909-6"), ("NDI", "82237-9"), ("PROMIS-PI", "77865-4"), ("NRS-NOW", "72514-3"),
    ])
    func loincCodesFromTheReference(code: String, loinc: String) {
        #expect(inst(code).loinc == loinc)
    }

    @Test func pegItemsCarryTheirLoincCodes() {
        #expect(inst("PEG").items.map(\.loinc) == ["75893-8", "91145-3", "91146-1"])
    }

    @Test(arguments: [
        ("NRS-WEEK", MeasureDirection.higherIsWorse), ("PEG", .higherIsWorse), ("PSFS", .higherIsBetter), ("ODI", .higherIsWorse),
        ("NDI", .higherIsWorse), ("PROMIS-PI", .higherIsWorse), ("PROMIS-SD", .higherIsWorse), ("PSEQ", .higherIsBetter),
        ("GROC", .higherIsBetter), ("BPI-INTERFERENCE", .higherIsWorse),
    ])
    func directionsMatchSection0_1(code: String, direction: MeasureDirection) {
        #expect(inst(code).direction == direction)
    }

    @Test func licensedInstrumentsAreScoreEntryOnly() {
        for code in ["ODI", "NDI", "PROMIS-PI", "PROMIS-SD", "PSEQ", "BPI-SEVERITY", "BPI-INTERFERENCE"] {
            #expect(inst(code).kind == .scoreEntry, "\(code)")
        }
        for code in ["PROMIS-PI", "PROMIS-SD", "PSEQ", "BPI-SEVERITY", "BPI-INTERFERENCE"] {
            #expect(inst(code).items.isEmpty, "\(code) must not carry items")
        }
    }

    // MARK: scoring

    @Test(arguments: [
        (4.0, 6.0, 8.0, 6.0),
        (0.0, 0.0, 0.0, 0.0),
        (10.0, 10.0, 10.0, 10.0),
        (5.0, 6.0, 8.0, 19.0 / 3.0),
    ])
    func pegIsTheMeanOfThreeItems(p: Double, e: Double, g: Double, mean: Double) throws {
        let s = try score(inst("PEG"), answers: MeasureAnswers(items: ["pain": p, "enjoyment": e, "activity": g]))
        #expect(abs(s.value - mean) < 1e-9)
        #expect(s.itemsAnswered == 3)
    }

    @Test(arguments: [
        ([3.0], 3.0), ([2.0, 4.0, 9.0], 5.0), ([0.0, 10.0], 5.0), ([1.0, 2.0, 3.0, 4.0, 5.0], 3.0),
    ])
    func psfsIsTheAverageOfActivities(scores: [Double], mean: Double) throws {
        let acts = scores.enumerated().map { PSFSActivity("activity \($0.offset)", $0.element) }
        let s = try score(inst("PSFS"), answers: MeasureAnswers(activities: acts))
        #expect(s.value == mean)
    }

    @Test func odiWithAllSectionsAnsweredIs16Of50() throws {
        // §1.5: 16/50 = 32 %.
        let items = Dictionary(uniqueKeysWithValues: zip((1...10).map { "section\($0)" }, [2.0, 2, 2, 2, 2, 2, 1, 1, 1, 1]))
        let s = try score(inst("ODI"), answers: MeasureAnswers(items: items))
        #expect(abs(s.value - 32) < 1e-9)
        #expect(s.band == "moderate")
    }

    @Test func odiWithASkippedSectionIs16Of45() throws {
        // §1.5 worked example: one section missing → 16/45 = 35.5 %.
        var items = Dictionary(uniqueKeysWithValues: zip((1...10).map { "section\($0)" }, [2.0, 2, 2, 2, 2, 2, 1, 1, 1, 1]))
        items["section8"] = nil   // sex life, commonly skipped
        items["section10"] = 2    // keep the sum at 16 over 9 sections
        let s = try score(inst("ODI"), answers: MeasureAnswers(items: items))
        #expect(abs(s.value - 1600.0 / 45.0) < 1e-9)
        #expect(String(format: "%.1f", s.value) == "35.6")   // the reference truncates to 35.5
        #expect(s.itemsMissing == 1)
        #expect(s.missingItemNote != nil)
    }

    @Test func odiWithTwoSkippedSectionsNamesThem() {
        var items = Dictionary(uniqueKeysWithValues: (1...10).map { ("section\($0)", 1.0) })
        items["section3"] = nil
        items["section8"] = nil
        #expect(fields { _ = try score(inst("ODI"), answers: MeasureAnswers(items: items)) } == ["answers.section3", "answers.section8"])
    }

    @Test func ndiMissingItemIsReplacedByTheMeanOfAnswered() throws {
        // §1.6: driving skipped; 9 items sum 16 → raw 16 + 16/9, % = raw × 2 = 35.5 % (same as 16/45).
        var items = Dictionary(uniqueKeysWithValues: zip((1...10).map { "item\($0)" }, [2.0, 2, 2, 2, 2, 2, 2, 0, 1, 1]))
        items["item8"] = nil
        let s = try score(inst("NDI"), answers: MeasureAnswers(items: items))
        #expect(abs(s.value - (16 + 16.0 / 9)) < 1e-9)
        #expect(abs(s.percent! - 1600.0 / 45.0) < 1e-9)
        #expect(s.band == "moderate")
        #expect(s.itemsMissing == 1)
    }

    @Test func ndiRawAndPercentFromAllItems() throws {
        let items = Dictionary(uniqueKeysWithValues: (1...10).map { ("item\($0)", 2.0) })
        let s = try score(inst("NDI"), answers: MeasureAnswers(items: items))
        #expect(s.value == 20)
        #expect(s.percent == 40)
    }

    @Test(arguments: [
        ("ODI", 35.5, 35.5), ("NDI", 17.0, 34.0), ("NDI", 50.0, 100.0),
    ])
    func scoreEntryReportsPercent(code: String, entered: Double, percent: Double) throws {
        #expect(try score(inst(code), answers: MeasureAnswers(score: entered)).percent == percent)
    }

    @Test(arguments: [
        ("PROMIS-PI", 62.3), ("PROMIS-SD", 48.0), ("PSEQ", 60.0), ("PSEQ", 0.0), ("BPI-SEVERITY", 4.25), ("BPI-INTERFERENCE", 10.0),
    ])
    func scoreEntryAcceptsAScoreInRange(code: String, value: Double) throws {
        #expect(try score(inst(code), answers: MeasureAnswers(score: value)).value == value)
    }

    @Test(arguments: [
        ("PSEQ", 61.0), ("PSEQ", -1.0), ("ODI", 100.5), ("NDI", 51.0), ("BPI-SEVERITY", 10.5), ("PROMIS-PI", 95.0), ("PSEQ", .nan),
    ])
    func scoreEntryRefusesOutOfRange(code: String, value: Double) {
        #expect(fields { _ = try score(inst(code), answers: MeasureAnswers(score: value)) } == ["score"])
    }

    @Test func scoreEntryRequiresAScoreAndRefusesItems() {
        #expect(fields { _ = try score(inst("PSEQ"), answers: MeasureAnswers()) } == ["score"])
        #expect(fields { _ = try score(inst("PSEQ"), answers: MeasureAnswers(items: ["q1": 3])) } == ["answers.q1"])
    }

    @Test(arguments: [
        ("NRS-NOW", ["pain": 11.0], ["answers.pain"]),
        ("NRS-NOW", ["pain": -1.0], ["answers.pain"]),
        ("NRS-NOW", ["pain": 4.5], ["answers.pain"]),          // whole numbers only
        ("NRS-NOW", [:], ["answers.pain"]),
        ("NRS-NOW", ["pain": 3.0, "mood": 2.0], ["answers.mood"]),
        ("PEG", ["pain": 3.0, "enjoyment": 4.0], ["answers.activity"]),
        ("PEG", ["pain": 3.0, "enjoyment": 12.0, "activity": 2.0], ["answers.enjoyment"]),
        ("PGIC", ["rating": 0.0], ["answers.rating"]),
        ("GROC", ["rating": 8.0], ["answers.rating"]),
        ("SLEEP-HOURS", ["hours": 25.0], ["answers.hours"]),
        ("PAINFREE-DAYS", ["days": 8.0], ["answers.days"]),
        ("ODI", ["section1": 6.0], ["answers.section1", "answers.section2", "answers.section3", "answers.section4",
                                     "answers.section5", "answers.section6", "answers.section7", "answers.section8",
                                     "answers.section9", "answers.section10"]),
    ] as [(String, [String: Double], [String])])
    func itemErrorsNameTheField(code: String, items: [String: Double], expected: [String]) {
        #expect(fields { _ = try score(inst(code), answers: MeasureAnswers(items: items)) } == expected)
    }

    @Test(arguments: [
        ([PSFSActivity](), ["activities"]),
        ([PSFSActivity("stairs", nil)], ["activities[0].score"]),
        ([PSFSActivity("stairs", 4), PSFSActivity(" ", 5)], ["activities[1].name"]),
        ([PSFSActivity("stairs", 11)], ["activities[0].score"]),
        ((0..<6).map { PSFSActivity("a\($0)", 5) }, ["activities"]),
    ] as [([PSFSActivity], [String])])
    func psfsErrorsNameTheField(activities: [PSFSActivity], expected: [String]) {
        #expect(fields { _ = try score(inst("PSFS"), answers: MeasureAnswers(activities: activities)) } == expected)
    }

    @Test(arguments: [
        ("SLEEP-HOURS", "hours", 6.5), ("SLEEP-QUALITY", "quality", 7.0), ("SLEEP-WAKINGS", "wakings", 3.0),
        ("PAINFREE-HOURS", "hours", 12.5), ("PAINFREE-DAYS", "days", 2.0), ("GROC", "rating", -3.0), ("PGIC", "rating", 2.0),
    ])
    func singleItemMeasuresScoreTheirItem(code: String, item: String, value: Double) throws {
        #expect(try score(inst(code), answers: MeasureAnswers(items: [item: value])).value == value)
    }

    // MARK: severity bands (every boundary)

    @Test(arguments: [
        // §1.1 NRS: 0–4 mild, 5–6 moderate, 7–10 severe (ePPOC)
        ("NRS-NOW", 0.0, "mild"), ("NRS-NOW", 4.0, "mild"), ("NRS-NOW", 5.0, "moderate"), ("NRS-NOW", 6.0, "moderate"),
        ("NRS-NOW", 7.0, "severe"), ("NRS-NOW", 10.0, "severe"),
        // §1.5 ODI: 0–20 minimal; 21–40 moderate; 41–60 severe; 61–80 crippled; 81–100 bed-bound
        ("ODI", 0.0, "minimal"), ("ODI", 20.0, "minimal"), ("ODI", 20.5, "moderate"), ("ODI", 21.0, "moderate"), ("ODI", 40.0, "moderate"),
        ("ODI", 41.0, "severe"), ("ODI", 60.0, "severe"), ("ODI", 61.0, "crippled"), ("ODI", 80.0, "crippled"),
        ("ODI", 81.0, "bed-bound or exaggerating"), ("ODI", 100.0, "bed-bound or exaggerating"),
        // §1.6 NDI raw: 0–4 none; 5–14 mild; 15–24 moderate; 25–34 severe; > 34 complete
        ("NDI", 0.0, "no disability"), ("NDI", 4.0, "no disability"), ("NDI", 4.5, "mild"), ("NDI", 5.0, "mild"), ("NDI", 14.0, "mild"),
        ("NDI", 15.0, "moderate"), ("NDI", 24.0, "moderate"), ("NDI", 25.0, "severe"), ("NDI", 34.0, "severe"),
        ("NDI", 35.0, "complete"), ("NDI", 50.0, "complete"),
        // §1.7 PROMIS: ≤ 55 WNL; 55–60 mild; 60–70 moderate; ≥ 70 severe
        ("PROMIS-PI", 55.0, "within normal limits"), ("PROMIS-PI", 55.1, "mild"), ("PROMIS-PI", 59.9, "mild"),
        ("PROMIS-PI", 60.0, "moderate"), ("PROMIS-PI", 69.9, "moderate"), ("PROMIS-PI", 70.0, "severe"),
        ("PROMIS-SD", 70.0, "severe"),
    ])
    func severityBandBoundaries(code: String, value: Double, band: String) {
        #expect(inst(code).band(for: value) == band)
    }

    @Test func bandsComeFromConfigurationWhereTheReferenceIsUnsure() {
        var c = MeasureConfiguration()
        c.nrsModerateFrom = 4   // the 1–3 / 4–6 / 7–10 band set (§1.1 ⚠️)
        #expect(Instruments.named("NRS-NOW", in: Instruments.catalog(c))!.band(for: 4) == "moderate")
    }

    // MARK: change classifier

    @Test(arguments: [
        // code, baseline, follow-up, class, absolute change, percent change
        ("NRS-WEEK", 8.0, 6.0, ChangeClass.improved, -2.0, -25.0 as Double?),    // 2 points (Farrar)
        ("NRS-WEEK", 8.0, 7.0, .withinNoise, -1.0, -12.5),
        ("NRS-WEEK", 3.0, 2.0, .improved, -1.0, -100.0 / 3),                      // 33 % ≥ 30 % though only 1 point
        ("NRS-WEEK", 5.0, 7.0, .worse, 2.0, 40.0),
        ("NRS-WEEK", 0.0, 1.0, .withinNoise, 1.0, nil),                          // baseline 0: points only
        ("NRS-WEEK", 0.0, 2.0, .worse, 2.0, nil),
        ("PEG", 6.0, 5.0, .improved, -1.0, -100.0 / 6),                          // Reed 2024 MID 1.0
        ("PEG", 6.0, 5.5, .withinNoise, -0.5, -100.0 / 12),
        ("PSFS", 3.0, 5.0, .improved, 2.0, 100.0 / 1.5),                         // up is better; MDC 2
        ("PSFS", 3.0, 4.5, .withinNoise, 1.5, 50.0),
        ("PSFS", 6.0, 4.0, .worse, -2.0, -100.0 / 3),
        ("ODI", 40.0, 30.0, .improved, -10.0, -25.0),                            // 10 points (Ostelo)
        ("ODI", 20.0, 14.0, .improved, -6.0, -30.0),                             // 30 % (Ostelo)
        ("ODI", 40.0, 32.0, .withinNoise, -8.0, -20.0),
        ("NDI", 20.0, 15.0, .improved, -5.0, -25.0),                             // 5 raw points (Vernon)
        ("NDI", 20.0, 16.0, .withinNoise, -4.0, -20.0),
        ("NDI", 20.0, 25.0, .worse, 5.0, 25.0),
        ("PSEQ", 30.0, 36.0, .withinNoise, 6.0, 20.0),                           // beyond MIC 5.5 but inside SDC 12.67
        ("PSEQ", 30.0, 43.0, .improved, 13.0, 100.0 * 13 / 30),
        ("PSEQ", 30.0, 17.0, .worse, -13.0, -100.0 * 13 / 30),
        ("BPI-INTERFERENCE", 5.0, 4.0, .improved, -1.0, -20.0),                  // IMMPACT ≥ 1 point
        ("BPI-INTERFERENCE", 5.0, 4.5, .withinNoise, -0.5, -10.0),
    ] as [(String, Double, Double, ChangeClass, Double, Double?)])
    func classifierIsDirectionAware(code: String, baseline: Double, followUp: Double, expected: ChangeClass,
                                    change: Double, percent: Double?) throws {
        let r = try ChangeClassifier.classify(inst(code), baseline: baseline, followUp: followUp)
        #expect(r.classification == expected)
        #expect(r.absoluteChange == change)
        if let percent {
            #expect(abs(r.percentChange! - percent) < 1e-9)
            #expect(abs(r.percentImprovement! - percent * inst(code).direction.improvementSign) < 1e-9)
        } else {
            #expect(r.percentChange == nil)
            #expect(r.percentUnavailableReason?.contains("baseline is 0") == true)
        }
    }

    @Test(arguments: [
        (65.0, 62.0, ChangeClass.improved), (65.0, 63.0, .withinNoise), (60.0, 63.0, .worse), (60.0, 57.5, .withinNoise),
    ])
    func promisPainInterferenceGoingDownIsBetter(baseline: Double, followUp: Double, expected: ChangeClass) throws {
        let r = try ChangeClassifier.classify(inst("PROMIS-PI"), baseline: baseline, followUp: followUp)
        #expect(r.classification == expected)
        #expect(r.percentChange == nil)   // T-scores have no true zero
        #expect(r.percentUnavailableReason != nil)
    }

    @Test func instrumentsWithoutAThresholdAreReportedButNotClassified() throws {
        for code in ["PROMIS-SD", "SLEEP-QUALITY", "PAINFREE-DAYS", "PGIC", "GROC"] {
            let i = inst(code)
            let r = try ChangeClassifier.classify(i, baseline: i.range.lowerBound + 1, followUp: i.range.lowerBound + 2)
            #expect(r.classification == nil, "\(code)")
            #expect(r.unclassifiedReason != nil, "\(code)")
            #expect(r.absoluteChange == 1)
        }
        var c = MeasureConfiguration()
        c.promisSleepDisturbanceMID = 3
        let sd = Instruments.named("PROMIS-SD", in: Instruments.catalog(c))!
        #expect(try ChangeClassifier.classify(sd, baseline: 60, followUp: 56).classification == .improved)
    }

    @Test(arguments: [
        // §1.11 IMMPACT, pain intensity: minimal 10–20 %, moderate ≥ 30 %, substantial ≥ 50 %
        (10.0, 10.0, ImmpactCategory.none), (10.0, 9.5, .none), (10.0, 9.0, .minimal), (10.0, 8.0, .minimal),
        (10.0, 7.5, .minimal), (10.0, 7.0, .moderate), (10.0, 5.5, .moderate), (10.0, 5.0, .substantial),
        (10.0, 0.0, .substantial), (4.0, 6.0, .none), (3.0, 2.0, .moderate), (6.0, 3.0, .substantial), (8.0, 6.0, .minimal),
    ])
    func immpactPercentCategories(baseline: Double, followUp: Double, expected: ImmpactCategory) throws {
        #expect(try ChangeClassifier.classify(inst("NRS-NOW"), baseline: baseline, followUp: followUp).immpact == expected)
    }

    @Test func immpactMinimalThresholdIsConfigurableWithinTheReferenceRange() throws {
        let r = try ChangeClassifier.classify(inst("NRS-24H"), baseline: 10, followUp: 8.5, immpactMinimalPercent: 20)
        #expect(r.immpact == ImmpactCategory.none)
    }

    @Test func baselineZeroHasNoPercentAndNoImmpactCategory() throws {
        let r = try ChangeClassifier.classify(inst("NRS-NOW"), baseline: 0, followUp: 0)
        #expect(r.percentChange == nil)
        #expect(r.percentImprovement == nil)
        #expect(r.immpact == nil)
        #expect(r.percentUnavailableReason == "baseline is 0: percent change is undefined")
        #expect(r.classification == .withinNoise)
    }

    @Test func immpactOnlyForPainIntensity() throws {
        #expect(try ChangeClassifier.classify(inst("ODI"), baseline: 40, followUp: 10).immpact == nil)
    }

    @Test(arguments: [
        ("NRS-NOW", 11.0, 5.0, ["baseline"]), ("NRS-NOW", 5.0, -1.0, ["followUp"]), ("PSEQ", 70.0, 61.0, ["baseline", "followUp"]),
    ])
    func classifierRefusesOutOfRangeScores(code: String, baseline: Double, followUp: Double, expected: [String]) {
        #expect(fields { _ = try ChangeClassifier.classify(inst(code), baseline: baseline, followUp: followUp) } == expected)
    }

    @Test(arguments: [(1, ImmpactCategory.substantial), (2, .moderate), (3, .minimal), (4, .none), (7, .none)])
    func pgicMapsToImmpact(rating: Int, expected: ImmpactCategory) throws {
        #expect(try ChangeClassifier.immpact(pgic: rating) == expected)
    }

    @Test(arguments: [
        (0, "about the same", nil as Bool?), (-1, "about the same", nil), (2, "small", true), (-3, "small", false),
        (4, "moderate", true), (-5, "moderate", false), (6, "large", true), (-7, "large", false),
    ])
    func grocSizes(rating: Int, size: String, better: Bool?) throws {
        let g = try ChangeClassifier.globalRating(groc: rating)
        #expect(g.size == size)
        #expect(g.better == better)
    }

    @Test(arguments: [(4.0, 7.0, ChangeClass.improved), (4.0, 6.0, .withinNoise), (7.0, 4.0, .worse)])
    func psfsSingleActivityUsesMDC3(baseline: Double, followUp: Double, expected: ChangeClass) throws {
        #expect(try ChangeClassifier.classifyPSFSActivity(baseline: baseline, followUp: followUp) == expected)
    }

    @Test func everyThresholdHasACitation() {
        for i in Instruments.all {
            #expect(!i.source.isEmpty, "\(i.code)")
            if let mc = i.meaningfulChange { #expect(!mc.citation.isEmpty, "\(i.code)") }
        }
    }
}
