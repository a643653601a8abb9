import Foundation

// The one list of body regions used by the pain map, trigger-point referral patterns, safety-screen
// regions and range-of-motion joints. SNOMED CT body-structure codes are from CLINICAL-REFERENCE.md §7.2
// ([S59d]; the table asks for verification in a SNOMED browser before release); an area without a
// code in the reference maps to the nearest coded structure that contains it, or to none.

public enum Side: String, Sendable, Codable, CaseIterable, Equatable, Hashable {
    case left, right

    public var label: String { self == .left ? "Left" : "Right" }
    /// SNOMED CT laterality qualifier (§7.2 [S12]: 7771000 left, 24028007 right).
    public var snomed: String { self == .left ? "7771000" : "24028007" }
}

/// Which drawing of the body shows an area.
public enum BodyView: String, Sendable, Codable, CaseIterable, Equatable {
    case front, back
}

/// An anatomical area, drawn once per side when it is paired.
public struct BodyArea: Sendable, Equatable, Codable {
    public var code: String
    public var name: String
    public var view: BodyView
    public var paired: Bool
    /// SNOMED CT body structure (the containing structure where the reference has no closer code).
    public var snomed: String?
    public var snomedName: String?

    init(_ code: String, _ name: String, _ view: BodyView, paired: Bool = true, snomed: (String, String)?) {
        self.code = code
        self.name = name
        self.view = view
        self.paired = paired
        self.snomed = snomed?.0
        self.snomedName = snomed?.1
    }
}

/// A codable region: an area and, when the area is paired, a side. Its code is `area.left`,
/// `area.right`, or just `area` for a midline area.
public struct BodyRegion: Sendable, Equatable, Hashable, Codable, Comparable {
    public var area: String
    public var side: Side?

    public init(area: String, side: Side?) {
        self.area = area
        self.side = side
    }

    public var code: String { self.side.map { "\(self.area).\($0.rawValue)" } ?? self.area }

    /// Parses a region code; nil when the area is unknown or the side does not fit the area.
    public init?(code: String) {
        let parts = code.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let area = BodyRegions.area(parts[0]) else { return nil }
        switch parts.count {
        case 1 where !area.paired: self.init(area: area.code, side: nil)
        case 2 where area.paired: guard let side = Side(rawValue: parts[1]) else { return nil }
            self.init(area: area.code, side: side)
        default: return nil
        }
    }

    public var bodyArea: BodyArea { BodyRegions.area(self.area)! }

    public var name: String {
        let area = self.bodyArea.name
        guard let side = self.side else { return area }
        return "\(side.label) \(area.prefix(1).lowercased())\(area.dropFirst())"
    }

    public static func < (a: Self, b: Self) -> Bool {
        (BodyRegions.order[a.area] ?? 0, a.side?.rawValue ?? "") < (BodyRegions.order[b.area] ?? 0, b.side?.rawValue ?? "")
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let region = BodyRegion(code: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown body region"))
        }
        self = region
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(self.code)
    }
}

public enum BodyRegions {
    // SNOMED CT codes from §7.2 [S59d].
    static let head = ("69536005", "Head structure")
    static let face = ("89545001", "Face structure")
    static let scalp = ("41695006", "Scalp structure")
    static let neck = ("45048000", "Neck structure")
    static let thorax = ("51185008", "Thoracic structure")
    static let abdomen = ("818983003", "Abdomen structure")
    static let backOfTrunk = ("77568009", "Back of trunk")
    static let lowerBack = ("37822005", "Lower back structure")
    static let shoulder = ("16982005", "Shoulder region structure")
    static let upperArm = ("40983000", "Upper arm structure")
    static let elbow = ("127949000", "Elbow region structure")
    static let forearm = ("14975008", "Forearm structure")
    static let wrist = ("8205005", "Wrist region structure")
    static let hand = ("85562004", "Hand structure")
    static let hip = ("29836001", "Hip region structure")
    static let thigh = ("68367000", "Thigh structure")
    static let knee = ("72696002", "Knee region structure")
    static let lowerLeg = ("30021000", "Lower leg structure")
    static let ankle = ("344001", "Ankle region structure")
    static let foot = ("56459004", "Foot structure")
    /// ⚠️ in the reference: verify before release.
    static let buttock = ("46862004", "Buttock structure")

    /// Every area, front view first, head to foot.
    public static let areas: [BodyArea] = [
        // Front
        BodyArea("forehead", "Forehead", .front, snomed: face),
        BodyArea("temple", "Temple", .front, snomed: head),
        BodyArea("eye", "Eye and orbit", .front, snomed: face),
        BodyArea("jaw", "Cheek, jaw and teeth", .front, snomed: face),
        BodyArea("throat", "Front of the neck", .front, paired: false, snomed: neck),
        BodyArea("sternum", "Sternum", .front, paired: false, snomed: thorax),
        BodyArea("chest", "Chest", .front, snomed: thorax),
        BodyArea("chest-lateral", "Side of the chest", .front, snomed: thorax),
        BodyArea("abdomen", "Abdomen", .front, snomed: abdomen),
        BodyArea("groin", "Groin", .front, snomed: hip),
        BodyArea("shoulder-front", "Front of the shoulder", .front, snomed: shoulder),
        BodyArea("arm-front", "Front of the upper arm", .front, snomed: upperArm),
        BodyArea("elbow-lateral", "Outer elbow (lateral epicondyle)", .front, snomed: elbow),
        BodyArea("elbow-medial", "Inner elbow (medial epicondyle)", .front, snomed: elbow),
        BodyArea("forearm-volar", "Palm side of the forearm", .front, snomed: forearm),
        BodyArea("wrist-volar", "Palm side of the wrist", .front, snomed: wrist),
        BodyArea("palm", "Palm", .front, snomed: hand),
        BodyArea("hand-radial", "Thumb and index finger", .front, snomed: hand),
        BodyArea("hand-ulnar", "Ring and little finger", .front, snomed: hand),
        BodyArea("hip-lateral", "Outer hip (greater trochanter)", .front, snomed: hip),
        BodyArea("thigh-front", "Front of the thigh", .front, snomed: thigh),
        BodyArea("thigh-medial", "Inner thigh", .front, snomed: thigh),
        BodyArea("thigh-lateral", "Outer thigh", .front, snomed: thigh),
        BodyArea("knee-front", "Front of the knee", .front, snomed: knee),
        BodyArea("shin", "Shin", .front, snomed: lowerLeg),
        BodyArea("leg-lateral", "Outer lower leg", .front, snomed: lowerLeg),
        BodyArea("ankle", "Ankle", .front, snomed: ankle),
        BodyArea("foot-top", "Top of the foot and toes", .front, snomed: foot),
        // Back
        BodyArea("vertex", "Top of the head", .back, paired: false, snomed: scalp),
        BodyArea("occiput", "Back of the head", .back, snomed: head),
        BodyArea("ear", "Ear and mastoid", .back, snomed: head),
        BodyArea("neck-back", "Back of the neck", .back, snomed: neck),
        BodyArea("shoulder-top", "Top of the shoulder", .back, snomed: shoulder),
        BodyArea("shoulder-back", "Back of the shoulder", .back, snomed: shoulder),
        BodyArea("scapula", "Shoulder blade", .back, snomed: backOfTrunk),
        BodyArea("interscapular", "Between the shoulder blades", .back, snomed: backOfTrunk),
        BodyArea("midback", "Mid back", .back, snomed: backOfTrunk),
        BodyArea("lowback", "Low back", .back, snomed: lowerBack),
        BodyArea("sacroiliac", "Sacroiliac region", .back, snomed: lowerBack),
        BodyArea("sacrum", "Sacrum and coccyx", .back, paired: false, snomed: lowerBack),
        BodyArea("buttock", "Buttock", .back, snomed: buttock),
        BodyArea("arm-back", "Back of the upper arm", .back, snomed: upperArm),
        BodyArea("forearm-dorsal", "Back of the forearm", .back, snomed: forearm),
        BodyArea("wrist-dorsal", "Back of the wrist", .back, snomed: wrist),
        BodyArea("hand-dorsal", "Back of the hand", .back, snomed: hand),
        BodyArea("thigh-back", "Back of the thigh", .back, snomed: thigh),
        BodyArea("knee-back", "Back of the knee", .back, snomed: knee),
        BodyArea("calf", "Calf", .back, snomed: lowerLeg),
        BodyArea("heel", "Heel and Achilles", .back, snomed: foot),
        BodyArea("sole", "Sole and arch of the foot", .back, snomed: foot),
    ]

    static let byCode: [String: BodyArea] = Dictionary(uniqueKeysWithValues: areas.map { ($0.code, $0) })
    static let order: [String: Int] = Dictionary(uniqueKeysWithValues: areas.enumerated().map { ($1.code, $0) })

    public static func area(_ code: String) -> BodyArea? { self.byCode[code] }

    /// Every region: each paired area once per side (left first), each midline area once.
    public static let all: [BodyRegion] = areas.flatMap { area in
        area.paired ? Side.allCases.map { BodyRegion(area: area.code, side: $0) } : [BodyRegion(area: area.code, side: nil)]
    }

    /// The region of an area on a given side: the side is dropped for a midline area.
    public static func region(area: String, side: Side?) -> BodyRegion? {
        guard let a = self.area(area) else { return nil }
        return BodyRegion(area: a.code, side: a.paired ? side : nil)
    }
}
