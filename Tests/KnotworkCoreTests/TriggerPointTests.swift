import Foundation
import Testing
@testable import KnotworkCore

/// Table tests for the trigger-point catalog, findings and comparison; expected values are from
/// ../shared/CLINICAL-REFERENCE.md §5.
struct TriggerPointTests {
    func fields(_ body: () throws -> Void) -> [String] {
        do { try body(); return [] } catch let failure as ValidationFailure { return failure.errors.map(\.field) } catch { return ["unexpected \(error)"] }
    }

    func finding(_ muscle: String = "upper-trapezius", _ side: Side = .left, _ state: TriggerPointState = .active,
                 tenderness: Int = 2) -> TriggerPointFinding {
        TriggerPointFinding(muscle: muscle, side: side, state: state, tenderness: tenderness)
    }

    // MARK: catalog

    @Test func catalogHasAll54MusclesOnceEachPaired() {
        let codes = TriggerPointCatalog.muscles.map(\.code)
        #expect(codes.count == 54)
        #expect(Set(codes).count == 54)
        #expect(TriggerPointCatalog.muscles.allSatisfy { $0.paired })
        for code in codes {
            #expect(code == code.lowercased() && !code.contains(" "), "\(code) is not kebab-case")
        }
    }

    @Test(arguments: [
        ("Head, neck and jaw", "§5.1", 13), ("Shoulder girdle, upper back and chest", "§5.2", 12), ("Forearm and hand", "§5.3", 7),
        ("Trunk, low back and pelvis", "§5.4", 10), ("Thigh, leg and foot", "§5.5", 12),
    ])
    func groupsFollowTheReferenceHeadings(group: String, section: String, count: Int) {
        let rows = TriggerPointCatalog.muscles.filter { $0.group == group }
        #expect(rows.count == count)
        #expect(rows.allSatisfy { $0.source.hasPrefix("CLINICAL-REFERENCE \(section); Simons & Travell [S54]") })
    }

    @Test func catalogIsInReferenceOrder() {
        let codes = TriggerPointCatalog.muscles.map(\.code)
        #expect(codes.first == "upper-trapezius")
        #expect(codes[12] == "temporalis")
        #expect(codes[13] == "supraspinatus")
        #expect(codes[25] == "extensor-carpi-radialis-longus")
        #expect(codes[32] == "iliocostalis-thoracis")
        #expect(codes[42] == "tensor-fasciae-latae")
        #expect(codes.last == "peroneus-longus")
    }

    @Test func everyReferralAreaAndBodyAreaIsARealArea() {
        for m in TriggerPointCatalog.muscles {
            #expect(!m.referralAreas.isEmpty, "\(m.code)")
            #expect(Set(m.referralAreas).count == m.referralAreas.count, "\(m.code) repeats an area")
            for area in m.referralAreas { #expect(BodyRegions.area(area) != nil, "\(m.code): \(area)") }
            #expect(BodyRegions.area(m.bodyArea) != nil, "\(m.code): \(m.bodyArea)")
            #expect(!m.location.isEmpty && !m.referralText.isEmpty && !m.name.isEmpty)
        }
    }

    @Test(arguments: [
        ("upper-trapezius", ["temple", "neck-back", "ear", "jaw"]),
        ("middle-trapezius", ["interscapular", "shoulder-top"]),
        ("levator-scapulae", ["neck-back", "scapula"]),
        ("scm-sternal", ["vertex", "occiput", "jaw", "eye", "throat", "sternum"]),
        ("scm-clavicular", ["forehead", "ear"]),
        ("splenius-capitis", ["vertex"]),
        ("scalenes", ["chest", "arm-front", "arm-back", "hand-radial", "scapula"]),
        ("masseter", ["jaw"]),
        ("supraspinatus", ["elbow-lateral"]),
        ("infraspinatus", ["shoulder-front", "hand-radial", "scapula"]),
        ("latissimus-dorsi", ["scapula", "midback", "hand-ulnar"]),
        ("pectoralis-major", ["chest", "elbow-medial", "hand-ulnar"]),
        ("iliocostalis-lumborum", ["buttock"]),
        ("quadratus-lumborum", ["sacroiliac", "hip-lateral", "groin"]),
        ("gluteus-maximus", ["sacrum", "sacroiliac", "buttock"]),
        ("gluteus-minimus", ["leg-lateral", "thigh-lateral", "calf", "thigh-back"]),
        ("piriformis", ["sacroiliac", "buttock", "thigh-back"]),
        ("rectus-femoris", ["knee-front", "thigh-front"]),
        ("gastrocnemius", ["sole", "calf", "knee-back"]),
        ("soleus", ["heel", "sacroiliac", "calf"]),
        ("tibialis-anterior", ["ankle", "foot-top", "shin"]),
        ("peroneus-longus", ["ankle"]),
    ])
    func referralAreasMatchTheReference(code: String, areas: [String]) throws {
        let m = try #require(TriggerPointCatalog.muscle(code))
        for area in areas { #expect(m.referralAreas.contains(area), "\(code) should refer to \(area)") }
    }

    @Test(arguments: [
        ("upper-trapezius", "shoulder-top"), ("scm-sternal", "throat"), ("masseter", "jaw"), ("infraspinatus", "scapula"),
        ("quadratus-lumborum", "lowback"), ("gluteus-minimus", "hip-lateral"), ("soleus", "calf"), ("peroneus-longus", "leg-lateral"),
    ])
    func musclesLieWhereExpected(code: String, area: String) {
        #expect(TriggerPointCatalog.muscle(code)?.bodyArea == area)
    }

    @Test(arguments: [
        ("upper-trapezius", Confidence.confirmed, "✅ temple/neck [S54b][S54f]"),
        ("suboccipitals", .uncertain, "⚠️"),
        ("teres-minor", .uncertain, "⚠️"),
        ("latissimus-dorsi", .confirmed, "shoulder component ⚠️"),
        ("deltoid", .uncertain, "⚠️"),
        ("extensor-carpi-radialis-longus", .uncertain, "⚠️"),
        ("finger-flexors", .uncertain, "⚠️"),
        ("gluteus-maximus", .confirmed, "Vol. 2 ch. 7"),
        ("gluteus-minimus", .confirmed, "[S54i]"),
        ("tensor-fasciae-latae", .uncertain, "⚠️"),
        ("soleus", .confirmed, "✅ heel & SI joint [S54b]"),
        ("peroneus-longus", .confirmed, "[S54i][S54k]"),
    ])
    func confidenceFollowsTheStatusColumn(code: String, confidence: Confidence, noteContains: String) throws {
        let m = try #require(TriggerPointCatalog.muscle(code))
        #expect(m.confidence == confidence)
        #expect(m.confidenceNote.contains(noteContains))
    }

    @Test func confirmedAndUncertainCounts() {
        // §5: 34 rows carry ✅ (5.1: 12, 5.2: 7, 5.3: 0, 5.4: 7, 5.5: 8); the other 20 are ⚠️.
        #expect(TriggerPointCatalog.muscles.filter { $0.confidence == .confirmed }.count == 34)
        #expect(TriggerPointCatalog.muscles.filter { $0.confidence == .uncertain }.count == 20)
        #expect(TriggerPointCatalog.muscles.filter { $0.group == "Forearm and hand" }.allSatisfy { $0.confidence == .uncertain })
    }

    @Test func sourceNamesTheSecondaryTags() {
        #expect(TriggerPointCatalog.muscle("upper-trapezius")?.source == "CLINICAL-REFERENCE §5.1; Simons & Travell [S54]; [S54b][S54f]")
        #expect(TriggerPointCatalog.muscle("teres-minor")?.source == "CLINICAL-REFERENCE §5.2; Simons & Travell [S54]")
    }

    @Test func lookupIgnoresCaseAndSpaces() {
        #expect(TriggerPointCatalog.muscle(" Upper-Trapezius ")?.code == "upper-trapezius")
        #expect(TriggerPointCatalog.muscle("trapezius") == nil)
        #expect(TriggerPointCatalog.muscle("upper-trapezius")?.id == "upper-trapezius")
    }

    // MARK: referral on the pain map

    @Test func referralRegionsAreOnTheFindingsSide() {
        let regions = TriggerPointCatalog.referralRegions(of: finding("upper-trapezius", .left))
        #expect(regions.map(\.code) == ["neck-back.left", "ear.left", "temple.left", "jaw.left", "eye.left"])
    }

    @Test func midlineReferralAreasHaveNoSide() {
        let codes = TriggerPointCatalog.referralRegions(of: finding("scm-sternal", .right)).map(\.code)
        #expect(codes == ["vertex", "occiput.right", "jaw.right", "eye.right", "throat", "sternum"])
    }

    @Test func soleusRefersToTheSameSideSacroiliacJoint() {
        let codes = TriggerPointCatalog.referralRegions(of: finding("soleus", .right)).map(\.code)
        #expect(codes.contains("sacroiliac.right") && codes.contains("heel.right"))
        #expect(!codes.contains("sacroiliac.left"))
    }

    @Test func findingIsPlacedWhereTheMuscleLies() {
        #expect(TriggerPointCatalog.region(of: finding("gluteus-medius", .right))?.code == "buttock.right")
        #expect(TriggerPointCatalog.region(of: finding("scm-sternal", .left))?.code == "throat")
        #expect(TriggerPointCatalog.region(of: finding("nope", .left)) == nil)
        #expect(TriggerPointCatalog.referralRegions(of: finding("nope", .left)).isEmpty)
    }

    // MARK: finding validation

    @Test func aValidFindingPasses() throws {
        var f = finding()
        f.reproducedRegions = [BodyRegion(code: "temple.left")!, BodyRegion(code: "vertex")!]
        f.note = String(repeating: "x", count: 2000)
        try f.validate()
    }

    @Test(arguments: [
        ("no-such-muscle", 2, ["temple.left"], 10, ["muscle"]),
        ("upper-trapezius", -1, [], 10, ["tenderness"]),
        ("upper-trapezius", 4, [], 10, ["tenderness"]),
        ("upper-trapezius", 3, ["temple.left", "temple.left"], 10, ["reproducedRegions[1]"]),
        ("upper-trapezius", 0, [], 2001, ["note"]),
        ("x", 9, [], 2001, ["muscle", "tenderness", "note"]),
    ])
    func findingValidationNamesTheField(muscle: String, tenderness: Int, regions: [String], noteLength: Int, expected: [String]) {
        let f = TriggerPointFinding(muscle: muscle, side: .right, state: .latent, tenderness: tenderness,
                                    reproducedRegions: regions.compactMap(BodyRegion.init(code:)),
                                    note: String(repeating: "n", count: noteLength))
        #expect(fields { try f.validate() } == expected)
    }

    @Test func aHandBuiltUnknownRegionIsRefused() {
        var f = finding()
        f.reproducedRegions = [BodyRegion(code: "calf.left")!, BodyRegion(area: "tail", side: .left), BodyRegion(area: "vertex", side: .left)]
        #expect(fields { try f.validate() } == ["reproducedRegions[1]", "reproducedRegions[2]"])
    }

    // MARK: tolerant input

    @Test func inputIsNormalisedIntoAFinding() throws {
        let input = TriggerPointFindingInput(muscle: " Soleus ", side: "RIGHT", state: "Latent", tenderness: 1, tautBand: true,
                                             reproducedRegions: ["heel.right", " calf.right "], note: "  deep, distal  ")
        let f = try input.validated()
        #expect(f == TriggerPointFinding(muscle: "soleus", side: .right, state: .latent, tenderness: 1, tautBand: true, twitchResponse: false,
                                         reproducedRegions: [BodyRegion(area: "heel", side: .right), BodyRegion(area: "calf", side: .right)],
                                         note: "deep, distal"))
    }

    @Test(arguments: [
        (TriggerPointFindingInput(), ["muscle", "side", "state", "tenderness"]),
        (TriggerPointFindingInput(muscle: "biceps", side: "left", state: "active", tenderness: 1), ["muscle"]),
        (TriggerPointFindingInput(muscle: "soleus", side: "both", state: "active", tenderness: 1), ["side"]),
        (TriggerPointFindingInput(muscle: "soleus", side: "left", state: "dormant", tenderness: 1), ["state"]),
        (TriggerPointFindingInput(muscle: "soleus", side: "left", state: "active", tenderness: 5), ["tenderness"]),
        (TriggerPointFindingInput(muscle: "soleus", side: "left", state: "active", tenderness: 1,
                                  reproducedRegions: ["heel.left", "tail.left", "vertex.left"]),
         ["reproducedRegions[1]", "reproducedRegions[2]"]),
        (TriggerPointFindingInput(muscle: "soleus", side: "left", state: "active", tenderness: 1,
                                  note: String(repeating: "a", count: 2001)), ["note"]),
        (TriggerPointFindingInput(muscle: "", side: " ", state: "active", tenderness: -2), ["muscle", "side", "tenderness"]),
    ])
    func inputReportsMissingAndUnknownValues(input: TriggerPointFindingInput, expected: [String]) {
        #expect(fields { _ = try input.validated() } == expected)
    }

    @Test func unknownRegionMessage() {
        let input = TriggerPointFindingInput(muscle: "soleus", side: "left", state: "active", tenderness: 1, reproducedRegions: ["knee"])
        do {
            _ = try input.validated()
            Issue.record("expected a failure")
        } catch {
            #expect(error.errors == [FieldError("reproducedRegions[0]", "is not a known body region")])
        }
    }

    @Test func findingRoundTripsThroughJSON() throws {
        var f = finding("gluteus-minimus", .right, .active, tenderness: 3)
        f.twitchResponse = true
        f.reproducedRegions = [BodyRegion(area: "leg-lateral", side: .right)]
        let json = try JSONEncoder().encode(f)
        #expect(String(decoding: json, as: UTF8.self).contains("\"leg-lateral.right\""))
        #expect(try JSONDecoder().decode(TriggerPointFinding.self, from: json) == f)
    }

    // MARK: comparison

    @Test(arguments: [
        (nil, (TriggerPointState.active, 2), TriggerPointChangeKind.new),
        ((TriggerPointState.active, 2), nil, .resolved),
        ((.active, 3), (.active, 1), .better),
        ((.active, 2), (.latent, 2), .better),
        ((.active, 3), (.latent, 2), .better),
        ((.active, 1), (.active, 3), .worse),
        ((.latent, 2), (.active, 2), .worse),
        ((.latent, 1), (.active, 2), .worse),
        ((.active, 2), (.active, 2), .unchanged),
        ((.latent, 0), (.latent, 0), .unchanged),
        ((.latent, 3), (.active, 1), .mixed),
        ((.active, 1), (.latent, 3), .mixed),
    ] as [((TriggerPointState, Int)?, (TriggerPointState, Int)?, TriggerPointChangeKind)])
    func comparisonClassifiesEachPair(earlier: (TriggerPointState, Int)?, later: (TriggerPointState, Int)?, kind: TriggerPointChangeKind) {
        let e = earlier.map { [finding("soleus", .left, $0.0, tenderness: $0.1)] } ?? []
        let l = later.map { [finding("soleus", .left, $0.0, tenderness: $0.1)] } ?? []
        let changes = TriggerPointComparison.compare(e, l)
        #expect(changes.count == 1)
        #expect(changes.first?.change == kind)
        #expect(changes.first?.earlier == e.first)
        #expect(changes.first?.later == l.first)
    }

    @Test func comparisonMatchesByMuscleAndSideInCatalogOrder() {
        let earlier = [finding("soleus", .right, tenderness: 3), finding("upper-trapezius", .right, tenderness: 2),
                       finding("upper-trapezius", .left, tenderness: 2)]
        let later = [finding("soleus", .left, tenderness: 1), finding("upper-trapezius", .left, tenderness: 1),
                     finding("upper-trapezius", .right, tenderness: 2), finding("levator-scapulae", .left, tenderness: 2)]
        let changes = TriggerPointComparison.compare(earlier, later)
        #expect(changes.map { "\($0.muscle).\($0.side.rawValue)" } == [
            "upper-trapezius.left", "upper-trapezius.right", "levator-scapulae.left", "soleus.left", "soleus.right",
        ])
        #expect(changes.map(\.change) == [.better, .unchanged, .new, .new, .resolved])
    }

    @Test func duplicatesInOneVisitUseTheFirstAndUnknownMusclesComeLast() {
        let earlier = [finding("zzz-unknown", .left), finding("soleus", .left, tenderness: 1), finding("soleus", .left, tenderness: 3)]
        let later = [finding("soleus", .left, tenderness: 2)]
        let changes = TriggerPointComparison.compare(earlier, later)
        #expect(changes.map(\.muscle) == ["soleus", "zzz-unknown"])
        #expect(changes.first?.change == .worse)   // 1 → 2, the first of the duplicates
        #expect(changes.last?.change == .resolved)
    }

    @Test func comparingEmptyVisitsGivesNothing() {
        #expect(TriggerPointComparison.compare([], []).isEmpty)
    }
}
