import Foundation

// Myofascial trigger points: the referral-pattern catalog of CLINICAL-REFERENCE.md §5 (Simons & Travell [S54],
// cross-checked against the secondary sources named in each row's status cell), the therapist's finding, and a
// visit-to-visit comparison.
//
// §5 caveats, which the UI must respect: referral maps are "typical", not diagnostic ([S54e]); TrP palpation
// reliability is modest ⚠️; show referral patterns as hypotheses for the therapist, never as a patient-facing
// diagnosis.
//
// Referral areas are codes from `BodyRegions.areas`. Where the reference names a place the body map has no area
// for, the nearest area is used (the gaps are listed here so they can be added to BodyRegion.swift later):
// side of the neck (SCM, scalenes → "throat"), lateral deltoid / lateral arm ("mid-deltoid" → "shoulder-top",
// "lateral arm" → "arm-front"), the radial and ulnar borders of the forearm (→ the front or back forearm area
// that the same row's pattern uses), the middle finger (→ "palm"), the lateral knee (→ "knee-front"), the
// lateral foot (→ "foot-top") and the axilla.

/// How sure the reference is of a fact: ✅ confirmed in at least one source, ⚠️ secondary/recall only.
/// One mark for every catalog (trigger points, norms, safety rules).
public enum Confidence: String, Codable, Sendable, Equatable, CaseIterable {
    case confirmed
    case uncertain

    public var label: String { self == .confirmed ? "Confirmed" : "Uncertain (verify)" }
}

/// One muscle of the §5 referral catalog. Every muscle is paired; its referral is drawn on the same side.
public struct Muscle: Sendable, Equatable, Codable, Identifiable {
    /// Kebab-case code, e.g. "upper-trapezius", "scm-sternal".
    public var code: String
    public var name: String
    /// The §5.x heading, e.g. "Head, neck and jaw".
    public var group: String
    /// The reference's "usual TrP location" text.
    public var location: String
    /// Area codes from `BodyRegions.areas`, same side as the muscle (a midline area has no side), in the
    /// order of the reference's text.
    public var referralAreas: [String]
    /// The reference's "referred-pain regions" text.
    public var referralText: String
    /// ✅ → confirmed (a row only partly confirmed is still ✅; `confidenceNote` says which part), ⚠️ → uncertain.
    public var confidence: Confidence
    /// The status cell as the reference gives it.
    public var confidenceNote: String
    public var source: String
    /// The area code where the muscle itself lies, to place a finding on the pain map.
    public var bodyArea: String
    /// Always true for the §5 catalog (all 54 muscles are left/right pairs).
    public var paired: Bool

    public var id: String { self.code }

    public init(code: String, name: String, group: String, location: String, referralAreas: [String], referralText: String,
                confidence: Confidence, confidenceNote: String, source: String, bodyArea: String, paired: Bool = true) {
        self.code = code
        self.name = name
        self.group = group
        self.location = location
        self.referralAreas = referralAreas
        self.referralText = referralText
        self.confidence = confidence
        self.confidenceNote = confidenceNote
        self.source = source
        self.bodyArea = bodyArea
        self.paired = paired
    }

    /// The referral areas as regions on one side (a midline area such as the vertex keeps no side).
    public func referralRegions(side: Side) -> [BodyRegion] {
        self.referralAreas.compactMap { BodyRegions.region(area: $0, side: side) }
    }
}

public enum TriggerPointCatalog {
    static let headNeckJaw = "Head, neck and jaw"                        // §5.1
    static let shoulderBackChest = "Shoulder girdle, upper back and chest" // §5.2
    static let forearmHand = "Forearm and hand"                          // §5.3
    static let trunkPelvis = "Trunk, low back and pelvis"                // §5.4
    static let thighLegFoot = "Thigh, leg and foot"                      // §5.5

    /// One table row. `status` is the reference's status cell: a leading ✅ is confirmed, anything else uncertain;
    /// `tags` are its source tags beyond the primary [S54].
    private static func row(_ section: String, _ group: String, _ code: String, _ name: String, at location: String,
                            refers text: String, areas: [String], status: String, tags: String = "",
                            lies bodyArea: String) -> Muscle {
        Muscle(code: code, name: name, group: group, location: location, referralAreas: areas, referralText: text,
               confidence: status.hasPrefix("✅") ? .confirmed : .uncertain, confidenceNote: status,
               source: "CLINICAL-REFERENCE §\(section); Simons & Travell [S54]" + (tags.isEmpty ? "" : "; \(tags)"),
               bodyArea: bodyArea)
    }

    /// All 54 rows of §5.1–5.5, in reference order.
    public static let muscles: [Muscle] = [
        // §5.1 Head, neck and jaw
        row("5.1", headNeckJaw, "upper-trapezius", "Upper trapezius",
            at: "free upper border of the descending fibres, roughly midway between neck and acromion",
            refers: "posterolateral neck, mastoid/behind the ear, temple; angle of jaw; sometimes lateral eyebrow/orbit",
            areas: ["neck-back", "ear", "temple", "jaw", "eye"],
            status: "✅ temple/neck [S54b][S54f]", tags: "[S54b][S54f]", lies: "shoulder-top"),
        row("5.1", headNeckJaw, "middle-trapezius", "Middle trapezius",
            at: "mid-fibres near the medial scapular border",
            refers: "interscapular region between scapula and spine; lateral fibres → top of shoulder (acromion)",
            areas: ["interscapular", "shoulder-top"],
            status: "✅ vertebral scapular border & point of shoulder [S54j]", tags: "[S54j]", lies: "interscapular"),
        // "suprascapular region" and "medial scapular border" → "scapula"; acromion → "shoulder-top".
        row("5.1", headNeckJaw, "lower-trapezius", "Lower trapezius",
            at: "lower fibres near the medial scapular border at mid-thoracic level",
            refers: "upper neck/mastoid and suprascapular region, medial scapular border; also acromion [S54g]",
            areas: ["neck-back", "ear", "scapula", "shoulder-top"],
            status: "✅ [S54g][S54j]", tags: "[S54g][S54j]", lies: "midback"),
        row("5.1", headNeckJaw, "levator-scapulae", "Levator scapulae",
            at: "angle of the neck where it emerges from under the upper trapezius; near the superior angle of the scapula",
            refers: "angle of the neck (neck–shoulder junction), along the medial scapular border, posterior shoulder",
            areas: ["neck-back", "scapula", "shoulder-back"],
            status: "✅ base of neck [S54b]", tags: "[S54b]", lies: "neck-back"),
        // Cheek → "jaw" (the area is "Cheek, jaw and teeth"). SCM lies on the side of the neck: no such area, → "throat".
        row("5.1", headNeckJaw, "scm-sternal", "Sternocleidomastoid – sternal head",
            at: "along the sternal division",
            refers: "top of head (vertex), back of head (occiput), cheek, around/over the eye, throat, top of sternum",
            areas: ["vertex", "occiput", "jaw", "eye", "throat", "sternum"],
            status: "✅ occiput, cheek, periorbital [S54b][S54d]", tags: "[S54b][S54d]", lies: "throat"),
        row("5.1", headNeckJaw, "scm-clavicular", "Sternocleidomastoid – clavicular head",
            at: "along the clavicular division",
            refers: "forehead (can cross midline), deep in and behind the ear; associated dizziness/disequilibrium",
            areas: ["forehead", "ear"],
            status: "✅ forehead, behind ear [S54b][S54d]", tags: "[S54b][S54d]", lies: "throat"),
        row("5.1", headNeckJaw, "splenius-capitis", "Splenius capitis",
            at: "muscle belly near C2–C3, below the mastoid",
            refers: "top of head (vertex) on the same side",
            areas: ["vertex"],
            status: "✅ vertex [S54b][S54d]", tags: "[S54b][S54d]", lies: "neck-back"),
        row("5.1", headNeckJaw, "splenius-cervicis", "Splenius cervicis",
            at: "upper TrP near the angle of the neck; lower TrP near C7–T1",
            refers: "inside the head behind the eye (orbit), occiput; lower TrP → angle of the neck",
            areas: ["eye", "occiput", "neck-back"],
            status: "✅ retro-orbital [S54b]", tags: "[S54b]", lies: "neck-back"),
        row("5.1", headNeckJaw, "posterior-cervical", "Posterior cervical (semispinalis/multifidi/rotatores)",
            at: "paraspinal, C2–C6",
            refers: "occiput/suboccipital region, back of neck, upper medial scapula",
            areas: ["occiput", "neck-back", "scapula"],
            status: "✅ occiput [S54b]", tags: "[S54b]", lies: "neck-back"),
        row("5.1", headNeckJaw, "suboccipitals", "Suboccipitals (rectus capitis posterior major/minor, obliquus capitis superior/inferior)",
            at: "deep, between occiput and C2",
            refers: "band from occiput to the eye/forehead on the same side (\"inside the head\")",
            areas: ["occiput", "eye", "forehead"],
            status: "⚠️", lies: "occiput"),
        // Radial forearm → "forearm-volar" (front view, with the front of the arm and the thumb); lateral neck → "throat".
        row("5.1", headNeckJaw, "scalenes", "Scalenes (anterior, middle, posterior)",
            at: "bellies in the lateral neck",
            refers: "front of chest (pectoral region), front and back of upper arm, radial forearm, thumb and index finger, medial border of scapula",
            areas: ["chest", "arm-front", "arm-back", "forearm-volar", "hand-radial", "scapula"],
            status: "✅ [S54g]", tags: "[S54g]", lies: "throat"),
        // Eyebrow → "eye" (supra-orbital ridge); TMJ → "jaw"; deep ear → "ear".
        row("5.1", headNeckJaw, "masseter", "Masseter",
            at: "superficial layer: muscle body and lower jaw attachment; deep layer: near the TMJ",
            refers: "upper and lower molar teeth, cheek/maxilla, lower jaw, eyebrow; deep layer → deep ear (tinnitus) and TMJ",
            areas: ["jaw", "eye", "ear"],
            status: "✅ teeth & jaw [S54b]", tags: "[S54b]", lies: "jaw"),
        // "Backward above the ear" is the temporal region → "temple" (the "ear" area is the ear and mastoid).
        row("5.1", headNeckJaw, "temporalis", "Temporalis",
            at: "anterior, middle and posterior fibres above the zygomatic arch",
            refers: "temple; eyebrow/supra-orbital ridge (anterior); upper teeth (incisors→molars by fibre group); backward above the ear (posterior)",
            areas: ["temple", "eye", "jaw"],
            status: "✅ teeth & jaw [S54b]", tags: "[S54b]", lies: "temple"),

        // §5.2 Shoulder girdle, upper back and chest
        // Mid-deltoid → "shoulder-top"; lateral arm → "arm-front"; lateral forearm → "forearm-dorsal" (extensor side,
        // continuous with the lateral epicondyle); occasional wrist → "wrist-dorsal".
        row("5.2", shoulderBackChest, "supraspinatus", "Supraspinatus",
            at: "medial and lateral supraspinous fossa; tendon near the greater tuberosity",
            refers: "deep ache in the mid-deltoid region, down the lateral arm and forearm, lateral epicondyle (occasionally wrist)",
            areas: ["shoulder-top", "arm-front", "forearm-dorsal", "elbow-lateral", "wrist-dorsal"],
            status: "✅ [S54b][S54d]", tags: "[S54b][S54d]", lies: "scapula"),
        row("5.2", shoulderBackChest, "infraspinatus", "Infraspinatus",
            at: "infraspinous fossa just below the scapular spine",
            refers: "deep front of the shoulder joint, front and lateral arm, radial forearm and hand; medial TrP → medial scapular border",
            areas: ["shoulder-front", "arm-front", "forearm-volar", "hand-radial", "scapula"],
            status: "✅ [S54b][S54c]", tags: "[S54b][S54c]", lies: "scapula"),
        row("5.2", shoulderBackChest, "teres-minor", "Teres minor",
            at: "upper lateral border of the scapula",
            refers: "localised deep pain in the posterior deltoid region",
            areas: ["shoulder-back"],
            status: "⚠️", lies: "shoulder-back"),
        row("5.2", shoulderBackChest, "teres-major", "Teres major",
            at: "lower lateral border of scapula / posterior axillary fold",
            refers: "posterior deltoid region, back of the arm, dorsal forearm",
            areas: ["shoulder-back", "arm-back", "forearm-dorsal"],
            status: "⚠️", lies: "scapula"),
        // "Band around the wrist" → both wrist areas.
        row("5.2", shoulderBackChest, "subscapularis", "Subscapularis",
            at: "anterior (costal) surface near the lateral scapular border (axilla)",
            refers: "back of the shoulder/posterior deltoid, over the scapula, back of the arm to the elbow, band around the wrist",
            areas: ["shoulder-back", "scapula", "arm-back", "wrist-dorsal", "wrist-volar"],
            status: "✅ [S54h]", tags: "[S54h]", lies: "scapula"),
        row("5.2", shoulderBackChest, "rhomboids", "Rhomboids (major/minor)",
            at: "along the medial scapular border",
            refers: "medial scapular border and interscapular region",
            areas: ["scapula", "interscapular"],
            status: "⚠️", lies: "interscapular"),
        // A back-view pattern: ulnar arm/forearm → "arm-back", "forearm-dorsal"; ring and little fingers → "hand-ulnar".
        row("5.2", shoulderBackChest, "latissimus-dorsi", "Latissimus dorsi",
            at: "posterior axillary fold at mid-scapular level",
            refers: "inferior angle of scapula and mid-thoracic region, back of shoulder, ulnar side of arm/forearm to ring and little fingers",
            areas: ["scapula", "midback", "shoulder-back", "arm-back", "forearm-dorsal", "hand-ulnar"],
            status: "✅ inferior scapula & ulnar arm to ring/little fingers [S54j]; shoulder component ⚠️ (source says front of shoulder)",
            tags: "[S54j]", lies: "scapula"),
        row("5.2", shoulderBackChest, "serratus-posterior-superior", "Serratus posterior superior",
            at: "under the upper scapula, over ribs 2–3",
            refers: "deep ache under the upper scapula, posterior deltoid, back of arm (triceps area), ulnar forearm and little finger; sometimes chest",
            areas: ["scapula", "shoulder-back", "arm-back", "forearm-dorsal", "hand-ulnar", "chest"],
            status: "⚠️", lies: "scapula"),
        // "Medial to the inferior angle of the scapula" → "interscapular"; ulnar arm to hand → front-view areas.
        row("5.2", shoulderBackChest, "serratus-anterior", "Serratus anterior",
            at: "mid-axillary line around ribs 5–6",
            refers: "anterolateral chest wall, medial to the inferior angle of the scapula, ulnar arm to hand",
            areas: ["chest-lateral", "interscapular", "arm-front", "forearm-volar", "hand-ulnar"],
            status: "✅ lateral chest & scapula [S54b]", tags: "[S54b]", lies: "chest-lateral"),
        row("5.2", shoulderBackChest, "pectoralis-major", "Pectoralis major",
            at: "clavicular, sternal and costal sections",
            refers: "front of shoulder/anterior deltoid (clavicular); front of chest, inner arm, medial epicondyle, ulnar fingers (sternal); breast region (lateral/costal)",
            areas: ["shoulder-front", "chest", "arm-front", "elbow-medial", "hand-ulnar"],
            status: "✅ breast & ulnar arm [S54b]", tags: "[S54b]", lies: "chest"),
        row("5.2", shoulderBackChest, "pectoralis-minor", "Pectoralis minor",
            at: "near the coracoid and near ribs 3–5",
            refers: "front of shoulder, chest, ulnar side of arm/forearm to the ulnar three fingers",
            areas: ["shoulder-front", "chest", "arm-front", "forearm-volar", "hand-ulnar"],
            status: "✅ breast & ulnar arm [S54b]", tags: "[S54b]", lies: "chest"),
        row("5.2", shoulderBackChest, "deltoid", "Deltoid",
            at: "anterior, middle, posterior fibres",
            refers: "mostly local deltoid region",
            areas: ["shoulder-front", "shoulder-top", "shoulder-back"],
            status: "⚠️", lies: "shoulder-top"),

        // §5.3 Forearm and hand
        row("5.3", forearmHand, "extensor-carpi-radialis-longus", "Extensor carpi radialis longus",
            at: "just distal to the lateral epicondyle",
            refers: "lateral epicondyle and back of hand near the thumb (anatomical snuffbox)",
            areas: ["elbow-lateral", "hand-dorsal"],
            status: "⚠️", lies: "forearm-dorsal"),
        row("5.3", forearmHand, "extensor-carpi-radialis-brevis", "Extensor carpi radialis brevis",
            at: "proximal dorsal forearm",
            refers: "back of wrist and hand",
            areas: ["wrist-dorsal", "hand-dorsal"],
            status: "⚠️", lies: "forearm-dorsal"),
        row("5.3", forearmHand, "extensor-digitorum", "Extensor digitorum",
            at: "proximal dorsal forearm",
            refers: "dorsal forearm, back of hand, into the matching finger(s)",
            areas: ["forearm-dorsal", "hand-dorsal"],
            status: "⚠️", lies: "forearm-dorsal"),
        // Web of the thumb → "hand-radial" (thumb and index finger).
        row("5.3", forearmHand, "brachioradialis", "Brachioradialis",
            at: "proximal belly",
            refers: "lateral epicondyle, web of the thumb",
            areas: ["elbow-lateral", "hand-radial"],
            status: "⚠️", lies: "forearm-dorsal"),
        // "Dorsal web of the thumb" → "hand-dorsal" (the reference says dorsal).
        row("5.3", forearmHand, "supinator", "Supinator",
            at: "near the radial head (ventral)",
            refers: "lateral epicondyle, dorsal web of the thumb",
            areas: ["elbow-lateral", "hand-dorsal"],
            status: "⚠️", lies: "forearm-volar"),
        row("5.3", forearmHand, "flexor-carpi-radialis-ulnaris", "Flexor carpi radialis / ulnaris",
            at: "mid volar forearm",
            refers: "palmar wrist crease (central for FCR, ulnar for FCU), palm",
            areas: ["wrist-volar", "palm"],
            status: "⚠️", lies: "forearm-volar"),
        // The fingers: thumb/index → "hand-radial", ring/little → "hand-ulnar"; the middle finger has no area → "palm".
        row("5.3", forearmHand, "finger-flexors", "Finger flexors (FDS/FDP)",
            at: "volar forearm",
            refers: "palmar side of the matching fingers, sometimes \"beyond the fingertip\"",
            areas: ["palm", "hand-radial", "hand-ulnar"],
            status: "⚠️", lies: "forearm-volar"),

        // §5.4 Trunk, low back and pelvis
        row("5.4", trunkPelvis, "iliocostalis-thoracis", "Iliocostalis thoracis",
            at: "mid-thoracic (~T6) and lower thoracic (~T11)",
            refers: "upward toward the scapula and sideways to the chest wall; lower TrP also down to the lumbar region and abdomen",
            areas: ["scapula", "chest-lateral", "lowback", "abdomen"],
            status: "⚠️", lies: "midback"),
        row("5.4", trunkPelvis, "iliocostalis-lumborum", "Iliocostalis lumborum",
            at: "~L1",
            refers: "down into the mid-buttock",
            areas: ["buttock"],
            status: "✅ lower quadrant/back [S54b]", tags: "[S54b]", lies: "lowback"),
        row("5.4", trunkPelvis, "longissimus-thoracis", "Longissimus thoracis",
            at: "~T10–L1",
            refers: "low buttock and sacroiliac region",
            areas: ["buttock", "sacroiliac"],
            status: "⚠️", lies: "midback"),
        // Multifidi occur at any level; the trunk row's local area is the low back (cervical multifidi: "posterior-cervical").
        row("5.4", trunkPelvis, "multifidi", "Multifidi",
            at: "next to spinous processes at any level",
            refers: "local paraspinal region at that level; low lumbar/sacral levels → sacrum and coccyx",
            areas: ["lowback", "sacrum"],
            status: "⚠️", lies: "lowback"),
        // Iliac crest → "lowback"; greater trochanter → "hip-lateral"; deep lower buttock → "buttock".
        row("5.4", trunkPelvis, "quadratus-lumborum", "Quadratus lumborum",
            at: "superficial (lateral) TrPs just below the 12th rib and above the iliac crest; deep (medial) TrPs near the lumbar transverse processes",
            refers: "along the iliac crest, adjacent lower abdomen/groin, greater trochanter/lateral hip (superficial); sacroiliac joint and deep lower buttock (deep)",
            areas: ["lowback", "abdomen", "groin", "hip-lateral", "sacroiliac", "buttock"],
            status: "✅ low back, hips, SI [S54b][S54d]", tags: "[S54b][S54d]", lies: "lowback"),
        row("5.4", trunkPelvis, "iliopsoas", "Iliopsoas",
            at: "psoas (deep, lateral to lumbar spine via the abdomen), iliacus (inner iliac fossa), distal tendon in the femoral triangle",
            refers: "vertical band along the same-side lumbar spine to the sacroiliac/upper buttock; front of the upper thigh and groin",
            areas: ["lowback", "sacroiliac", "buttock", "thigh-front", "groin"],
            status: "✅ low back & upper medial buttock [S54d]", tags: "[S54d]", lies: "abdomen"),
        // Coccyx → "sacrum" (the area is "Sacrum and coccyx"); gluteal fold → "buttock".
        row("5.4", trunkPelvis, "gluteus-maximus", "Gluteus maximus",
            at: "near the sacrum, near the ischial tuberosity, lower medial fibres",
            refers: "sacrum, sacroiliac region, coccyx, gluteal fold, buttock",
            areas: ["sacrum", "sacroiliac", "buttock"],
            status: "✅ [S54] (Vol. 2 ch. 7 referred-pain text read: TrP1 crescent beside gluteal cleft/SI region, TrP2 whole buttock below iliac crest, TrP3 coccyx)",
            tags: "Vol. 2 ch. 7 referred-pain text read", lies: "buttock"),
        // Posterior iliac crest → "lowback"; upper posterolateral thigh → "thigh-back".
        row("5.4", trunkPelvis, "gluteus-medius", "Gluteus medius",
            at: "three TrPs along the posterior iliac crest",
            refers: "posterior iliac crest, sacroiliac joint, sacrum, lateral buttock, upper posterolateral thigh",
            areas: ["lowback", "sacroiliac", "sacrum", "buttock", "thigh-back"],
            status: "✅ [S54d]", tags: "[S54d]", lies: "buttock"),
        // Lateral knee → "knee-front" (no lateral knee area).
        row("5.4", trunkPelvis, "gluteus-minimus", "Gluteus minimus",
            at: "anterior portion below the anterior iliac crest; posterior portion",
            refers: "anterior TrPs → lower lateral buttock, lateral thigh, lateral knee, lateral leg to ankle; posterior TrPs → buttock, back of thigh, calf (\"pseudo-sciatica\")",
            areas: ["buttock", "thigh-lateral", "knee-front", "leg-lateral", "ankle", "thigh-back", "calf"],
            status: "✅ lower buttock, hip, lateral leg beyond the knee to ankle, calf; pseudo-sciatica [S54i]", tags: "[S54i]",
            lies: "hip-lateral"),
        // Back of the hip → "buttock".
        row("5.4", trunkPelvis, "piriformis", "Piriformis",
            at: "lateral (near greater trochanter) and medial (near sacrum)",
            refers: "sacroiliac region, buttock, back of the hip, proximal two-thirds of the back of the thigh",
            areas: ["sacroiliac", "buttock", "thigh-back"],
            status: "✅ (piriformis syndrome association) [S54c]", tags: "[S54c]", lies: "buttock"),

        // §5.5 Thigh, leg and foot
        row("5.5", thighLegFoot, "tensor-fasciae-latae", "Tensor fasciae latae",
            at: "belly just below/behind the ASIS",
            refers: "anterolateral hip (greater-trochanter area) and down the lateral thigh toward the knee",
            areas: ["hip-lateral", "thigh-lateral"],
            status: "⚠️", lies: "hip-lateral"),
        row("5.5", thighLegFoot, "rectus-femoris", "Rectus femoris",
            at: "high, just below the AIIS",
            refers: "front of the knee (around/deep to the patella) and distal front of thigh; deep knee ache at night",
            areas: ["knee-front", "thigh-front"],
            status: "✅ patella & distal thigh [S54b]", tags: "[S54b]", lies: "thigh-front"),
        row("5.5", thighLegFoot, "vastus-medialis", "Vastus medialis",
            at: "distal medial thigh above the knee; mid-thigh",
            refers: "anteromedial knee; medial thigh",
            areas: ["knee-front", "thigh-medial"],
            status: "✅ medial knee [S54b]", tags: "[S54b]", lies: "thigh-medial"),
        row("5.5", thighLegFoot, "vastus-lateralis", "Vastus lateralis",
            at: "several along the lateral thigh",
            refers: "whole lateral thigh from pelvis to knee, lateral patella/knee",
            areas: ["thigh-lateral", "knee-front"],
            status: "⚠️", lies: "thigh-lateral"),
        row("5.5", thighLegFoot, "vastus-intermedius", "Vastus intermedius",
            at: "proximal, deep",
            refers: "front of the mid-thigh",
            areas: ["thigh-front"],
            status: "✅ upper thigh [S54b]", tags: "[S54b]", lies: "thigh-front"),
        row("5.5", thighLegFoot, "hamstrings-medial", "Hamstrings – semitendinosus/semimembranosus",
            at: "mid to lower posteromedial thigh",
            refers: "gluteal fold/lower buttock, back of thigh, posteromedial knee, upper medial calf",
            areas: ["buttock", "thigh-back", "knee-back", "calf"],
            status: "⚠️", lies: "thigh-back"),
        row("5.5", thighLegFoot, "biceps-femoris", "Hamstrings – biceps femoris",
            at: "lower posterolateral thigh",
            refers: "back of the knee (popliteal region), posterolateral thigh; calf",
            areas: ["knee-back", "thigh-back", "calf"],
            status: "✅ calf [S54b]", tags: "[S54b]", lies: "thigh-back"),
        row("5.5", thighLegFoot, "adductor-longus-brevis", "Adductor longus/brevis",
            at: "upper medial thigh",
            refers: "groin, anteromedial thigh, knee, medial shin",
            areas: ["groin", "thigh-medial", "knee-front", "shin"],
            status: "⚠️", lies: "thigh-medial"),
        // Instep/medial arch → "sole" (the area is "Sole and arch of the foot"); back of ankle → "heel" (heel and Achilles).
        row("5.5", thighLegFoot, "gastrocnemius", "Gastrocnemius",
            at: "proximal medial head (most common), lateral head, near the back of the knee",
            refers: "instep/medial arch of foot, back of calf, back of knee, back of ankle",
            areas: ["sole", "calf", "knee-back", "heel"],
            status: "✅ calf & instep [S54b][S54d]", tags: "[S54b][S54d]", lies: "calf"),
        row("5.5", thighLegFoot, "soleus", "Soleus",
            at: "distal belly just above the heel; proximal lateral",
            refers: "back and underside of the heel and distal Achilles; upper calf; rarely the same-side sacroiliac joint",
            areas: ["heel", "calf", "sacroiliac"],
            status: "✅ heel & SI joint [S54b]", tags: "[S54b]", lies: "calf"),
        row("5.5", thighLegFoot, "tibialis-anterior", "Tibialis anterior",
            at: "upper third of the muscle",
            refers: "front-inner ankle and top-inner big toe; shin",
            areas: ["ankle", "foot-top", "shin"],
            status: "✅ [S54i]", tags: "[S54i]", lies: "shin"),
        // Lateral foot → "foot-top" (no lateral foot area).
        row("5.5", thighLegFoot, "peroneus-longus", "Peroneus (fibularis) longus",
            at: "proximal lateral leg below the fibular head",
            refers: "lateral ankle (around the lateral malleolus) and lateral foot",
            areas: ["ankle", "foot-top"],
            status: "✅ [S54i][S54k]", tags: "[S54i][S54k]", lies: "leg-lateral"),
    ]

    static let byCode: [String: Muscle] = Dictionary(uniqueKeysWithValues: muscles.map { ($0.code, $0) })
    static let order: [String: Int] = Dictionary(uniqueKeysWithValues: muscles.enumerated().map { ($1.code, $0) })

    /// Look a muscle up by its code (case-insensitive, surrounding spaces ignored).
    public static func muscle(_ code: String) -> Muscle? {
        self.byCode[code.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()]
    }

    /// The expected referral of a finding: the muscle's referral areas on the finding's side (empty for an
    /// unknown muscle). Draw it as a hypothesis, never as a diagnosis (§5 caveat 3).
    public static func referralRegions(of finding: TriggerPointFinding) -> [BodyRegion] {
        self.muscle(finding.muscle)?.referralRegions(side: finding.side) ?? []
    }

    /// Where the finding itself goes on the pain map (the muscle's own area on the finding's side).
    public static func region(of finding: TriggerPointFinding) -> BodyRegion? {
        self.muscle(finding.muscle).flatMap { BodyRegions.region(area: $0.bodyArea, side: finding.side) }
    }
}

// MARK: - Finding

public enum TriggerPointState: String, Codable, Sendable, Equatable, CaseIterable {
    case active
    case latent
}

/// One trigger point found at a visit, on one side of one catalog muscle.
public struct TriggerPointFinding: Sendable, Equatable, Codable {
    /// Catalog muscle code (`TriggerPointCatalog.muscles`).
    public var muscle: String
    public var side: Side
    public var state: TriggerPointState
    /// Tenderness 0–3 as graded by the therapist (§5 gives no scale of its own).
    public var tenderness: Int
    public var tautBand: Bool
    public var twitchResponse: Bool
    /// Regions where pressing reproduced the patient's pain.
    public var reproducedRegions: [BodyRegion]
    public var note: String

    public static let tendernessRange: ClosedRange<Int> = 0...3
    public static let noteMaxLength = 2000

    public init(muscle: String, side: Side, state: TriggerPointState, tenderness: Int, tautBand: Bool = false,
                twitchResponse: Bool = false, reproducedRegions: [BodyRegion] = [], note: String = "") {
        self.muscle = muscle
        self.side = side
        self.state = state
        self.tenderness = tenderness
        self.tautBand = tautBand
        self.twitchResponse = twitchResponse
        self.reproducedRegions = reproducedRegions
        self.note = note
    }

    public func validate() throws(ValidationFailure) {
        let errors = self.problems()
        guard errors.isEmpty else { throw ValidationFailure(errors) }
    }

    func problems() -> [FieldError] {
        var errors: [FieldError] = []
        if let muscle = TriggerPointCatalog.muscle(self.muscle) {
            // Every catalog muscle is paired, so any side fits; kept for a future midline entry.
            if !muscle.paired { errors.append(FieldError("side", "\(muscle.name) is not a left/right muscle")) }
        } else {
            errors.append(FieldError("muscle", "is not a known muscle"))
        }
        if !Self.tendernessRange.contains(self.tenderness) {
            errors.append(FieldError("tenderness", "must be between \(Self.tendernessRange.lowerBound) and \(Self.tendernessRange.upperBound)"))
        }
        var seen = Set<BodyRegion>()
        for (i, region) in self.reproducedRegions.enumerated() {
            if BodyRegion(code: region.code) != region {
                errors.append(FieldError("reproducedRegions[\(i)]", "is not a known body region"))
            } else if !seen.insert(region).inserted {
                errors.append(FieldError("reproducedRegions[\(i)]", "is listed twice"))
            }
        }
        if self.note.count > Self.noteMaxLength {
            errors.append(FieldError("note", "must be at most \(Self.noteMaxLength) characters"))
        }
        return errors
    }
}

/// The tolerant form a web form or API client sends: everything optional and textual; `validated()` names every
/// missing or unknown value as a field error. Missing flags count as false, missing regions as none, a missing
/// note as empty.
public struct TriggerPointFindingInput: Codable, Sendable, Equatable {
    public var muscle: String?
    public var side: String?
    public var state: String?
    public var tenderness: Int?
    public var tautBand: Bool?
    public var twitchResponse: Bool?
    public var reproducedRegions: [String]?
    public var note: String?

    public init(muscle: String? = nil, side: String? = nil, state: String? = nil, tenderness: Int? = nil, tautBand: Bool? = nil,
                twitchResponse: Bool? = nil, reproducedRegions: [String]? = nil, note: String? = nil) {
        self.muscle = muscle
        self.side = side
        self.state = state
        self.tenderness = tenderness
        self.tautBand = tautBand
        self.twitchResponse = twitchResponse
        self.reproducedRegions = reproducedRegions
        self.note = note
    }

    public func validated() throws(ValidationFailure) -> TriggerPointFinding {
        var errors: [FieldError] = []
        let muscle = trimmedLower(self.muscle)
        if muscle.isEmpty { errors.append(FieldError("muscle", "is required")) }

        let sideText = trimmedLower(self.side)
        let side = Side(rawValue: sideText)
        if sideText.isEmpty { errors.append(FieldError("side", "is required")) } else if side == nil {
            errors.append(FieldError("side", "must be left or right"))
        }

        let stateText = trimmedLower(self.state)
        let state = TriggerPointState(rawValue: stateText)
        if stateText.isEmpty { errors.append(FieldError("state", "is required")) } else if state == nil {
            errors.append(FieldError("state", "must be active or latent"))
        }

        if self.tenderness == nil { errors.append(FieldError("tenderness", "is required")) }

        var regions: [BodyRegion] = []
        for (i, text) in (self.reproducedRegions ?? []).enumerated() {
            if let region = BodyRegion(code: text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                regions.append(region)
            } else {
                errors.append(FieldError("reproducedRegions[\(i)]", "is not a known body region"))
                regions.append(BodyRegion(area: "", side: nil))   // keeps the indexes of later entries
            }
        }

        let finding = TriggerPointFinding(muscle: muscle, side: side ?? .left, state: state ?? .active,
                                          tenderness: self.tenderness ?? 0, tautBand: self.tautBand ?? false,
                                          twitchResponse: self.twitchResponse ?? false, reproducedRegions: regions,
                                          note: (self.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
        // The shared rules, except for fields already reported above.
        let reported = Set(errors.map(\.field))
        errors += finding.problems().filter { !reported.contains($0.field) }
        guard errors.isEmpty else { throw ValidationFailure(errors.sorted(by: fieldOrder)) }
        return finding
    }
}

/// Errors in form order: the order of `fields`, then by index within an array field.
private func fieldOrder(_ a: FieldError, _ b: FieldError) -> Bool {
    func key(_ e: FieldError) -> (Int, Int) {
        let fields = ["muscle", "side", "state", "tenderness", "tautBand", "twitchResponse", "reproducedRegions", "note"]
        let base = e.field.split(separator: "[").first.map(String.init) ?? e.field
        let index = e.field.split(separator: "[").dropFirst().first.flatMap { Int($0.dropLast()) } ?? -1
        return (fields.firstIndex(of: base) ?? fields.count, index)
    }
    return key(a) < key(b)
}

private func trimmedLower(_ s: String?) -> String {
    (s ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
}

// MARK: - Comparison

public enum TriggerPointChangeKind: String, Codable, Sendable, Equatable {
    /// Absent earlier, present later.
    case new
    /// Present earlier, absent later.
    case resolved
    /// Tenderness lower or active → latent, and not worse in the other.
    case better
    /// Tenderness higher or latent → active, and not better in the other.
    case worse
    /// Better in one and worse in the other (e.g. less tender but now active); not forced into better or worse.
    case mixed
    /// Same tenderness and state (taut band and twitch are not compared).
    case unchanged
}

public struct TriggerPointChange: Sendable, Equatable, Codable {
    public var muscle: String
    public var side: Side
    public var earlier: TriggerPointFinding?
    public var later: TriggerPointFinding?
    public var change: TriggerPointChangeKind
}

public enum TriggerPointComparison {
    /// Pairs findings by (muscle, side). When one visit lists the same muscle and side twice, the first one counts.
    /// Ordered by catalog order, then left before right; unknown muscle codes come last, by code.
    public static func compare(_ earlier: [TriggerPointFinding], _ later: [TriggerPointFinding]) -> [TriggerPointChange] {
        struct Key: Hashable { var muscle: String; var side: Side }
        func index(_ list: [TriggerPointFinding]) -> [Key: TriggerPointFinding] {
            var out: [Key: TriggerPointFinding] = [:]
            for f in list { out[Key(muscle: f.muscle, side: f.side)] = out[Key(muscle: f.muscle, side: f.side)] ?? f }
            return out
        }
        let before = index(earlier)
        let after = index(later)
        let keys = Set(before.keys).union(after.keys).sorted { a, b in
            let oa = TriggerPointCatalog.order[a.muscle] ?? Int.max
            let ob = TriggerPointCatalog.order[b.muscle] ?? Int.max
            return (oa, a.muscle, a.side.rawValue) < (ob, b.muscle, b.side.rawValue)
        }
        return keys.map { key in
            let e = before[key]
            let l = after[key]
            return TriggerPointChange(muscle: key.muscle, side: key.side, earlier: e, later: l, change: self.kind(e, l))
        }
    }

    static func kind(_ earlier: TriggerPointFinding?, _ later: TriggerPointFinding?) -> TriggerPointChangeKind {
        guard let e = earlier else { return .new }
        guard let l = later else { return .resolved }
        let stateBetter = e.state == .active && l.state == .latent
        let stateWorse = e.state == .latent && l.state == .active
        let better = l.tenderness < e.tenderness || stateBetter
        let worse = l.tenderness > e.tenderness || stateWorse
        switch (better, worse) {
        case (true, false): return .better
        case (false, true): return .worse
        case (true, true): return .mixed
        case (false, false): return .unchanged
        }
    }
}
