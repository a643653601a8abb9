import Foundation

// Range of motion: the normal values of CLINICAL-REFERENCE.md §2.1 as data, the measurement-error thresholds of
// §2.2, a measurement with its tolerant input form, and the evaluation of one measurement against the norms, the
// other side and the patient's own baseline. §2.1: norms vary with age and sex (Soucie 2011 [S37]); prefer the
// uninvolved side and the patient's baseline. §2.2: there is no true MCID for ROM; only measurement error.

/// Which body part a motion belongs to, for choosing a measurement-error threshold.
public enum MeasurementRegion: String, Codable, Sendable, Equatable, CaseIterable {
    case cervical, thoracolumbar, shoulder, upperExtremity, lowerExtremity
}

/// One joint motion with its normal active range from the two reference columns of §2.1.
public struct MotionNorm: Sendable, Equatable, Codable, Identifiable {
    /// "cervical", "thoracolumbar", "shoulder", "elbow", "forearm", "wrist", "hip", "knee", "ankle", "foot".
    public var joint: String
    public var jointName: String
    /// Kebab-case motion code, e.g. "flexion", "lateral-flexion", "internal-rotation".
    public var motion: String
    public var motionName: String
    /// Measured per side: every limb motion and spinal lateral flexion/rotation ("each side"); spinal
    /// flexion/extension are unsided.
    public var paired: Bool
    /// AAOS 1965 handbook as tabulated by Norkin & White (degrees); nil where the reference has none.
    public var aaos: Double?
    /// US VA 38 CFR §4.71/§4.71a (degrees); nil where the reference has none.
    public var va: Double?
    public var aaosConfidence: Confidence?
    public var vaConfidence: Confidence?
    /// The reference's status/source cell for the row.
    public var source: String
    /// Anything a clinician should know about the row's values.
    public var note: String?
    /// Lower-extremity joint (hip, knee, ankle, foot): Boone's different-examiner threshold is larger there.
    public var lowerExtremity: Bool
    public var region: MeasurementRegion
    /// The body-map area where the joint is drawn (`BodyRegions.areas`).
    public var bodyArea: String

    public var id: String { "\(self.joint).\(self.motion)" }

    /// The two columns disagree (e.g. cervical rotation 60 AAOS vs 80 VA).
    public var vaDiffers: Bool {
        guard let a = self.aaos, let v = self.va else { return false }
        return a != v
    }
}

/// The §2.1 values marked ⚠️ (AAOS "recall" or a single secondary source), gathered so a clinic or a later
/// verification can change them without touching the table. Every value here is configurable.
public struct ROMNormConfiguration: Sendable, Equatable, Codable {
    // §2.1 cervical spine, AAOS ⚠️ (recall) [S30].
    public var aaosCervicalFlexion: Double = 45
    public var aaosCervicalExtension: Double = 45
    public var aaosCervicalLateralFlexion: Double = 45
    public var aaosCervicalRotation: Double = 60
    // §2.1 thoracolumbar spine, AAOS ⚠️ [S30].
    public var aaosThoracolumbarFlexion: Double = 80
    /// The reference gives "20–30 (often 25)": one number is needed for percent of normal, so 25 — the value the
    /// reference itself calls the usual one, and the midpoint of the range.
    public var aaosThoracolumbarExtension: Double = 25
    public var aaosThoracolumbarLateralFlexion: Double = 35
    public var aaosThoracolumbarRotation: Double = 45
    // §2.1 hip, AAOS ⚠️ (recall) [S30].
    public var aaosHipFlexion: Double = 120
    public var aaosHipExtension: Double = 30
    public var aaosHipAbduction: Double = 45
    public var aaosHipAdduction: Double = 30
    public var aaosHipInternalRotation: Double = 45
    public var aaosHipExternalRotation: Double = 45
    // §2.1 knee, AAOS ⚠️ (flexion widely quoted as 0–135 [S32b]; extension 0 = full extension).
    public var aaosKneeFlexion: Double = 135
    public var aaosKneeExtension: Double = 0
    // §2.1 ankle, AAOS ⚠️ (Merck also 20 and 50 [S32]).
    public var aaosAnkleDorsiflexion: Double = 20
    public var aaosAnklePlantarflexion: Double = 50
    // §2.1 foot (subtalar/mid-foot), ⚠️ Merck [S32]: inversion 35; eversion 15 (Merck itself gives 25).
    public var aaosFootInversion: Double = 35
    public var aaosFootEversion: Double = 15

    public init() {}
    public static let standard = ROMNormConfiguration()
}

public enum ROMNorms {
    /// §2.1 VA combined normal ROM ✅ [S31][S31c]: the sum of the six component maxima, each component capped
    /// at its note-2 value.
    public static let cervicalCombinedVA: Double = 340
    public static let thoracolumbarCombinedVA: Double = 240

    /// Every motion of §2.1 with the standard configuration, in reference order.
    public static let all: [MotionNorm] = table(.standard)

    public static func norm(joint: String, motion: String, in norms: [MotionNorm] = ROMNorms.all) -> MotionNorm? {
        norms.first { $0.joint == joint && $0.motion == motion }
    }

    /// The joints in reference order, each once.
    public static func joints(in norms: [MotionNorm] = ROMNorms.all) -> [String] {
        var seen = Set<String>()
        return norms.map(\.joint).filter { seen.insert($0).inserted }
    }

    public static func table(_ c: ROMNormConfiguration) -> [MotionNorm] {
        let ok = Confidence.confirmed
        let unsure = Confidence.uncertain
        func row(_ region: MeasurementRegion, _ joint: String, _ jointName: String, _ motion: String, _ motionName: String,
                 sided: Bool = true, aaos: Double?, _ aaosC: Confidence?, va: Double?, _ vaC: Confidence?, _ source: String,
                 note: String? = nil, area: String) -> MotionNorm {
            MotionNorm(joint: joint, jointName: jointName, motion: motion, motionName: motionName, paired: sided, aaos: aaos, va: va,
                       aaosConfidence: aaos == nil ? nil : aaosC, vaConfidence: va == nil ? nil : vaC,
                       source: "CLINICAL-REFERENCE §2.1; \(source)", note: note,
                       lowerExtremity: region == .lowerExtremity, region: region, bodyArea: area)
        }
        let spineNote = "AAOS ⚠️ (recall); VA ✅ [S31][S31c]"
        let hipPlateNote = "VA value from the C&P exam worksheet [S31d]; not confirmed on Plate II"
        let zeroNote = "0° = full extension; record loss of extension as a negative value (\"lacks n°\")"
        return [
            // Cervical spine: lateral flexion and rotation "each side"; flexion/extension unsided.
            row(.cervical, "cervical", "Cervical spine", "flexion", "Flexion", sided: false,
                aaos: c.aaosCervicalFlexion, unsure, va: 45, ok, spineNote, area: "neck-back"),
            row(.cervical, "cervical", "Cervical spine", "extension", "Extension", sided: false,
                aaos: c.aaosCervicalExtension, unsure, va: 45, ok, spineNote, area: "neck-back"),
            row(.cervical, "cervical", "Cervical spine", "lateral-flexion", "Lateral flexion",
                aaos: c.aaosCervicalLateralFlexion, unsure, va: 45, ok, spineNote, area: "neck-back"),
            row(.cervical, "cervical", "Cervical spine", "rotation", "Rotation",
                aaos: c.aaosCervicalRotation, unsure, va: 80, ok, spineNote, area: "neck-back"),
            // Thoracolumbar spine.
            row(.thoracolumbar, "thoracolumbar", "Thoracolumbar spine", "flexion", "Flexion", sided: false,
                aaos: c.aaosThoracolumbarFlexion, unsure, va: 90, ok, spineNote, area: "lowback"),
            row(.thoracolumbar, "thoracolumbar", "Thoracolumbar spine", "extension", "Extension", sided: false,
                aaos: c.aaosThoracolumbarExtension, unsure, va: 30, ok, spineNote,
                note: "AAOS gives 20–30 (often 25); 25 is used for percent of normal (configurable)", area: "lowback"),
            row(.thoracolumbar, "thoracolumbar", "Thoracolumbar spine", "lateral-flexion", "Lateral flexion",
                aaos: c.aaosThoracolumbarLateralFlexion, unsure, va: 30, ok, spineNote, area: "lowback"),
            row(.thoracolumbar, "thoracolumbar", "Thoracolumbar spine", "rotation", "Rotation",
                aaos: c.aaosThoracolumbarRotation, unsure, va: 30, ok, spineNote, area: "lowback"),
            // Shoulder: AAOS ✅ [S30]; VA ✅ [S31][S31d].
            row(.shoulder, "shoulder", "Shoulder", "flexion", "Flexion",
                aaos: 180, ok, va: 180, ok, "AAOS ✅ [S30]; VA ✅ [S31][S31d]", area: "shoulder-front"),
            row(.shoulder, "shoulder", "Shoulder", "extension", "Extension",
                aaos: 60, ok, va: nil, nil, "✅ [S30]", area: "shoulder-front"),
            row(.shoulder, "shoulder", "Shoulder", "abduction", "Abduction",
                aaos: 180, ok, va: 180, ok, "AAOS ✅ [S30]; VA ✅ [S31][S31d]", area: "shoulder-front"),
            row(.shoulder, "shoulder", "Shoulder", "internal-rotation", "Internal (medial) rotation",
                aaos: 70, ok, va: 90, ok, "AAOS ✅ [S30]; VA ✅ [S31][S31d]", area: "shoulder-front"),
            row(.shoulder, "shoulder", "Shoulder", "external-rotation", "External (lateral) rotation",
                aaos: 90, ok, va: 90, ok, "AAOS ✅ [S30]; VA ✅ [S31][S31d]", area: "shoulder-front"),
            // Elbow.
            row(.upperExtremity, "elbow", "Elbow", "flexion", "Flexion",
                aaos: 150, ok, va: 145, ok, "AAOS ✅ [S30]; VA ✅ [S31][S31d]", area: "elbow-lateral"),
            row(.upperExtremity, "elbow", "Elbow", "extension", "Extension",
                aaos: 0, ok, va: 0, ok, "✅ [S30]", note: zeroNote, area: "elbow-lateral"),
            // Forearm.
            row(.upperExtremity, "forearm", "Forearm", "pronation", "Pronation",
                aaos: 80, ok, va: 80, ok, "AAOS ✅ [S30]; VA ✅ [S31][S31d]", area: "forearm-volar"),
            row(.upperExtremity, "forearm", "Forearm", "supination", "Supination",
                aaos: 80, ok, va: 85, ok, "AAOS ✅ [S30]; VA ✅ [S31][S31d]", area: "forearm-volar"),
            // Wrist.
            row(.upperExtremity, "wrist", "Wrist", "flexion", "Flexion (palmar)",
                aaos: 80, ok, va: 80, ok, "AAOS ✅ [S30]; VA ✅ [S31][S31d]", area: "wrist-dorsal"),
            row(.upperExtremity, "wrist", "Wrist", "extension", "Extension (dorsiflexion)",
                aaos: 70, ok, va: 70, ok, "AAOS ✅ [S30]; VA ✅ [S31][S31d]", area: "wrist-dorsal"),
            row(.upperExtremity, "wrist", "Wrist", "radial-deviation", "Radial deviation",
                aaos: 20, ok, va: 20, ok, "AAOS ✅ [S30]; VA ✅ [S31][S31d]", area: "wrist-dorsal"),
            row(.upperExtremity, "wrist", "Wrist", "ulnar-deviation", "Ulnar deviation",
                aaos: 30, ok, va: 45, ok, "AAOS ✅ [S30]; VA ✅ [S31][S31d]", area: "wrist-dorsal"),
            // Hip.
            row(.lowerExtremity, "hip", "Hip", "flexion", "Flexion",
                aaos: c.aaosHipFlexion, unsure, va: 125, ok, "AAOS ⚠️ (recall); VA ✅ [S31][S31d]", area: "hip-lateral"),
            row(.lowerExtremity, "hip", "Hip", "extension", "Extension",
                aaos: c.aaosHipExtension, unsure, va: 30, ok, "AAOS ⚠️; VA ✅ [S31d]", note: hipPlateNote, area: "hip-lateral"),
            row(.lowerExtremity, "hip", "Hip", "abduction", "Abduction",
                aaos: c.aaosHipAbduction, unsure, va: 45, ok, "AAOS ⚠️; VA ✅ [S31][S31d]", area: "hip-lateral"),
            row(.lowerExtremity, "hip", "Hip", "adduction", "Adduction",
                aaos: c.aaosHipAdduction, unsure, va: 25, ok, "AAOS ⚠️; VA ✅ [S31d]", note: hipPlateNote, area: "hip-lateral"),
            row(.lowerExtremity, "hip", "Hip", "internal-rotation", "Internal rotation",
                aaos: c.aaosHipInternalRotation, unsure, va: 40, ok, "AAOS ⚠️; VA ✅ [S31d]", note: hipPlateNote, area: "hip-lateral"),
            row(.lowerExtremity, "hip", "Hip", "external-rotation", "External rotation",
                aaos: c.aaosHipExternalRotation, unsure, va: 60, ok, "AAOS ⚠️; VA ✅ [S31d]", note: hipPlateNote, area: "hip-lateral"),
            // Knee.
            row(.lowerExtremity, "knee", "Knee", "flexion", "Flexion",
                aaos: c.aaosKneeFlexion, unsure, va: 140, ok, "AAOS ⚠️ (widely quoted as 0–135 [S32b]); VA ✅ [S31][S31d]", area: "knee-front"),
            row(.lowerExtremity, "knee", "Knee", "extension", "Extension",
                aaos: c.aaosKneeExtension, unsure, va: 0, ok, "AAOS ⚠️; VA ✅ [S31d]", note: zeroNote, area: "knee-front"),
            // Ankle.
            row(.lowerExtremity, "ankle", "Ankle", "dorsiflexion", "Dorsiflexion",
                aaos: c.aaosAnkleDorsiflexion, unsure, va: 20, ok, "AAOS ⚠️ (Merck also 20 [S32]); VA ✅ [S31][S31d]", area: "ankle"),
            row(.lowerExtremity, "ankle", "Ankle", "plantarflexion", "Plantarflexion",
                aaos: c.aaosAnklePlantarflexion, unsure, va: 45, ok, "AAOS ⚠️ (Merck table also 50 [S32]); VA ✅ [S31][S31d]", area: "ankle"),
            // Foot (subtalar/mid-foot): no VA value.
            row(.lowerExtremity, "foot", "Foot (subtalar/mid-foot)", "inversion", "Inversion",
                aaos: c.aaosFootInversion, unsure, va: nil, nil, "⚠️ (Merck 35 [S32])", area: "foot-top"),
            row(.lowerExtremity, "foot", "Foot (subtalar/mid-foot)", "eversion", "Eversion",
                aaos: c.aaosFootEversion, unsure, va: nil, nil, "⚠️ (Merck gives 25 [S32])",
                note: "sources disagree: 15 in the reference's AAOS column, 25 in Merck (configurable)", area: "foot-top"),
        ]
    }
}

// MARK: - Measurement

/// The device used (§2.2: record the method with every measurement).
public enum ROMMethod: String, Codable, Sendable, Equatable, CaseIterable {
    case goniometer, inclinometer, crom, visualEstimate

    public var label: String {
        switch self {
        case .goniometer: "Universal goniometer"
        case .inclinometer: "Inclinometer"
        case .crom: "CROM device (cervical range of motion)"
        case .visualEstimate: "Visual estimate"
        }
    }
}

public enum ROMMode: String, Codable, Sendable, Equatable, CaseIterable {
    case active, passive

    public var label: String { self == .active ? "Active" : "Passive" }
}

/// One range-of-motion reading (§2.2: method, examiner, side, active vs passive and position are recorded).
public struct ROMMeasurement: Codable, Equatable, Sendable {
    public var joint: String
    public var motion: String
    /// Required for a paired motion, nil for spinal flexion/extension.
    public var side: Side?
    public var mode: ROMMode
    /// Degrees; negative records a motion that does not reach neutral (e.g. knee extension −10 = "lacks 10°").
    public var degrees: Double
    public var method: ROMMethod
    public var examinerID: UUID?
    public var examinerName: String
    /// Patient position, e.g. "supine", "seated".
    public var position: String?

    /// −30…200°. Below 0 records loss of extension / a motion that stops short of neutral, as §2.1 asks for the knee
    /// ("record loss of extension as a negative value") and as happens at the ankle (dorsiflexion short of neutral);
    /// a deficit beyond 30° short of neutral is implausible for an active-range reading in this setting. The largest
    /// §2.1 normal is 180° (shoulder flexion/abduction); 200 leaves room for hypermobility, and anything above is
    /// taken as a typing error.
    public static let degreesRange: ClosedRange<Double> = -30...200
    public static let textMaxLength = 200

    public init(joint: String, motion: String, side: Side?, mode: ROMMode = .active, degrees: Double, method: ROMMethod,
                examinerID: UUID? = nil, examinerName: String = "", position: String? = nil) {
        self.joint = joint
        self.motion = motion
        self.side = side
        self.mode = mode
        self.degrees = degrees
        self.method = method
        self.examinerID = examinerID
        self.examinerName = examinerName
        self.position = position
    }

    /// The §2.1 norm of this motion, if the joint and motion are known.
    public var norm: MotionNorm? { ROMNorms.norm(joint: self.joint, motion: self.motion) }

    public func validate() throws(ValidationFailure) {
        let errors = self.problems()
        guard errors.isEmpty else { throw ValidationFailure(errors) }
    }

    func problems() -> [FieldError] {
        var errors: [FieldError] = []
        let norm = self.norm
        if !ROMNorms.joints().contains(self.joint) {
            errors.append(FieldError("joint", "is not a known joint"))
        } else if norm == nil {
            errors.append(FieldError("motion", "is not a known motion of this joint"))
        }
        if let norm {
            if norm.paired && self.side == nil {
                errors.append(FieldError("side", "is required: \(norm.jointName.lowercased()) \(norm.motionName.lowercased()) is measured on each side"))
            } else if !norm.paired && self.side != nil {
                errors.append(FieldError("side", "must be empty: \(norm.jointName.lowercased()) \(norm.motionName.lowercased()) has no side"))
            }
        }
        if !(self.degrees.isFinite && Self.degreesRange.contains(self.degrees)) {
            errors.append(FieldError("degrees", "must be between \(Int(Self.degreesRange.lowerBound)) and \(Int(Self.degreesRange.upperBound))"))
        }
        if self.method == .crom && self.joint != "cervical" {
            errors.append(FieldError("method", "a CROM device measures the cervical spine only"))
        }
        if self.examinerName.count > Self.textMaxLength || Text.hasControlCharacters(self.examinerName) {
            errors.append(FieldError("examinerName", "must be at most \(Self.textMaxLength) characters, without control characters"))
        }
        if let p = self.position, p.count > Self.textMaxLength || Text.hasControlCharacters(p) {
            errors.append(FieldError("position", "must be at most \(Self.textMaxLength) characters, without control characters"))
        }
        return errors
    }
}

/// The tolerant form a web form or API client sends. A missing mode means active (the §2.1 norms are active
/// ranges); an empty examiner is allowed but is then treated as a different examiner when comparing.
public struct ROMMeasurementInput: Codable, Sendable, Equatable {
    public var joint: String?
    public var motion: String?
    public var side: String?
    public var mode: String?
    public var degrees: Double?
    public var method: String?
    public var examinerID: UUID?
    public var examinerName: String?
    public var position: String?

    public init(joint: String? = nil, motion: String? = nil, side: String? = nil, mode: String? = nil, degrees: Double? = nil,
                method: String? = nil, examinerID: UUID? = nil, examinerName: String? = nil, position: String? = nil) {
        self.joint = joint
        self.motion = motion
        self.side = side
        self.mode = mode
        self.degrees = degrees
        self.method = method
        self.examinerID = examinerID
        self.examinerName = examinerName
        self.position = position
    }

    public func validated() throws(ValidationFailure) -> ROMMeasurement {
        var errors: [FieldError] = []
        func code(_ s: String?) -> String {
            (s ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
                .replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: " ", with: "-")
        }
        let joint = code(self.joint)
        if joint.isEmpty { errors.append(FieldError("joint", "is required")) }
        let motion = code(self.motion)
        if motion.isEmpty { errors.append(FieldError("motion", "is required")) }

        let sideText = code(self.side)
        let side = Side(rawValue: sideText)
        if !sideText.isEmpty && side == nil { errors.append(FieldError("side", "must be left or right")) }

        let modeText = code(self.mode)
        let mode = modeText.isEmpty ? ROMMode.active : ROMMode(rawValue: modeText)
        if mode == nil { errors.append(FieldError("mode", "must be active or passive")) }

        if self.degrees == nil { errors.append(FieldError("degrees", "is required")) }

        let methodKey = code(self.method).replacingOccurrences(of: "-", with: "")
        let method = ROMMethod.allCases.first { $0.rawValue.lowercased() == methodKey }
        if methodKey.isEmpty {
            errors.append(FieldError("method", "is required"))
        } else if method == nil {
            errors.append(FieldError("method", "must be one of \(ROMMethod.allCases.map(\.rawValue).joined(separator: ", "))"))
        }

        let position = Text.clean(self.position)
        let measurement = ROMMeasurement(joint: joint, motion: motion, side: side, mode: mode ?? .active, degrees: self.degrees ?? 0,
                                         method: method ?? .goniometer, examinerID: self.examinerID,
                                         examinerName: Text.clean(self.examinerName), position: position.isEmpty ? nil : position)
        // The shared rules, except for fields already reported above (an unknown side text is not also "required").
        let reported = Set(errors.map(\.field))
        errors += measurement.problems().filter { !reported.contains($0.field) }
        guard errors.isEmpty else {
            let order = ["joint", "motion", "side", "mode", "degrees", "method", "examinerName", "position"]
            throw ValidationFailure(errors.sorted { (order.firstIndex(of: $0.field) ?? order.count) < (order.firstIndex(of: $1.field) ?? order.count) })
        }
        return measurement
    }
}

// MARK: - Measurement error

/// A measurement-error limit in degrees with where it comes from.
public struct ROMThreshold: Sendable, Equatable, Codable {
    public var degrees: Double
    public var source: String
    public var confidence: Confidence
}

/// §2.2 measurement-error thresholds. A change counts as beyond measurement error only when |change| > the
/// threshold. Every value is configurable; those the reference does not settle are marked ⚠️.
public struct ROMErrorThresholds: Sendable, Equatable, Codable {
    /// §2.2 Boone 1978 [S33] ✅: universal goniometer, same examiner, upper and lower extremity: "an increase of
    /// ≥ 3–4° is needed". 4 is the conservative end (Mayerson & Milano 1984 [S33b] also found repeat readings
    /// within ≈ 4°); with the strict > rule a change must exceed 4°.
    public var goniometerSameExaminer: Double = 4
    /// §2.2 Boone 1978 [S33] ✅: different examiners, "> 5°" upper extremity (shoulder included).
    public var goniometerDifferentExaminersUpper: Double = 5
    /// §2.2 Boone 1978 [S33] ✅: different examiners, "> 6°" lower extremity.
    public var goniometerDifferentExaminersLower: Double = 6
    /// §2.2 Fletcher & Bandy 2008 [S35] ✅ (intrarater): CROM MDC 5.4° (left rotation, no-pain group) to 9.6°
    /// (flexion, neck-pain group). One number must cover every cervical motion and our patients have neck pain, so the
    /// upper bound 9.6. Anwar 2022 [S35b] (3.5–6.8°) is lower but in a narrower population (neck pain with
    /// respiratory dysfunction), so it is not used.
    public var cromSameExaminer: Double = 9.6
    /// ⚠️ §2.2 has no inter-examiner CROM figure (both CROM studies are intrarater). A CROM is a frame of gravity
    /// inclinometers; the one inter-observer inclinometer limit in §2.2 is de Winter 2004's 20–25° [S34], upper end
    /// used. Conservative; configurable.
    public var cromDifferentExaminers: Double = 25
    /// §2.2 de Winter 2004 [S34] ✅: digital inclinometer, shoulder abduction / external rotation, two observers:
    /// differences < 20–25° cannot be told from measurement error. Upper end 25; used for either examiner case
    /// and — ⚠️ extrapolated — for the other shoulder motions.
    public var inclinometerShoulder: Double = 25
    /// ⚠️ §2.2 has no inclinometer figure outside the shoulder: de Winter's 25° [S34] is used. Conservative; configurable.
    public var inclinometerOtherRegions: Double = 25
    /// ⚠️ §2.2 Hayes 2001 [S34b] ✅: shoulder ROM (goniometry, visual estimation, photos) in symptomatic patients,
    /// SEM 11–25°, not split by method. Visual estimation is the least precise of the methods, so the upper end 25
    /// is taken; the threshold is MDC95 = 1.96 × √2 × SEM ≈ 69.3°. Extrapolated beyond the shoulder. Configurable.
    public var visualEstimateSEM: Double = 25
    /// ⚠️ Anything §2.2 does not cover (a goniometer on the spine): 25°, the largest device limit §2.2 documents
    /// (de Winter 2004 [S34]). Conservative; configurable.
    public var notCovered: Double = 25

    public init() {}

    /// MDC95 of a visual estimate from its SEM: 1.96 × √2 × SEM.
    public var visualEstimate: Double { 1.96 * 2.0.squareRoot() * self.visualEstimateSEM }

    /// The limit for a change measured with `method` on `norm`'s joint. `sameExaminer` false also covers an
    /// unknown examiner (the conservative reading).
    public func threshold(for norm: MotionNorm, method: ROMMethod, sameExaminer: Bool) -> ROMThreshold {
        let uncovered = ROMThreshold(degrees: self.notCovered,
                                     source: "⚠️ §2.2 gives no measurement error for a \(method.label.lowercased()) at the \(norm.jointName.lowercased()); conservative default (configurable)",
                                     confidence: .uncertain)
        switch method {
        case .goniometer:
            guard norm.region != .cervical && norm.region != .thoracolumbar else { return uncovered }
            if sameExaminer {
                return ROMThreshold(degrees: self.goniometerSameExaminer,
                                    source: "Boone 1978, Phys Ther 58:1355 [S33] (§2.2): same examiner, universal goniometer, ≥ 3–4° (4° taken)",
                                    confidence: .confirmed)
            }
            return norm.lowerExtremity
                ? ROMThreshold(degrees: self.goniometerDifferentExaminersLower,
                               source: "Boone 1978, Phys Ther 58:1355 [S33] (§2.2): different examiners, lower extremity > 6°",
                               confidence: .confirmed)
                : ROMThreshold(degrees: self.goniometerDifferentExaminersUpper,
                               source: "Boone 1978, Phys Ther 58:1355 [S33] (§2.2): different examiners, upper extremity > 5°",
                               confidence: .confirmed)
        case .crom:
            guard norm.region == .cervical else { return uncovered }
            if sameExaminer {
                return ROMThreshold(degrees: self.cromSameExaminer,
                                    source: "Fletcher & Bandy 2008, JOSPT 38:640 [S35] (§2.2): CROM intrarater MDC 5.4–9.6° (upper bound taken)",
                                    confidence: .confirmed)
            }
            return ROMThreshold(degrees: self.cromDifferentExaminers,
                                source: "⚠️ no inter-examiner CROM figure in §2.2; de Winter 2004 inter-observer inclinometer limit [S34] used (configurable)",
                                confidence: .uncertain)
        case .inclinometer:
            if norm.region == .shoulder {
                let measured = norm.motion == "abduction" || norm.motion == "external-rotation"
                return ROMThreshold(degrees: self.inclinometerShoulder,
                                    source: "de Winter 2004, BMC Musculoskelet Disord 5:18 [S34] (§2.2): inclinometer, two observers, < 20–25° is measurement error (25° taken)"
                                        + (measured ? "" : "; ⚠️ measured for abduction and external rotation, extrapolated to this motion"),
                                    confidence: measured ? .confirmed : .uncertain)
            }
            return ROMThreshold(degrees: self.inclinometerOtherRegions,
                                source: "⚠️ §2.2 has no inclinometer figure outside the shoulder; de Winter 2004's 25° [S34] used (configurable)",
                                confidence: .uncertain)
        case .visualEstimate:
            return ROMThreshold(degrees: self.visualEstimate,
                                source: "⚠️ Hayes 2001, Aust J Physiother 47:289 [S34b] (§2.2): shoulder SEM 11–25° (\(degreeText(self.visualEstimateSEM)) taken); MDC95 = 1.96 × √2 × SEM (configurable)",
                                confidence: .uncertain)
        }
    }
}

// MARK: - Evaluation

/// A measurement compared with the patient's own baseline of the same motion, side and mode.
public struct ROMChange: Sendable, Equatable, Codable {
    public var baseline: Double
    public var current: Double
    /// current − baseline, degrees.
    public var delta: Double
    /// The measurement-error limit used (when the methods differ: the larger of the two methods' limits, shown for
    /// context only).
    public var threshold: Double
    public var thresholdSource: String
    public var thresholdConfidence: Confidence
    public var sameExaminer: Bool
    public var sameMethod: Bool
    public var sameMode: Bool
    /// |delta| > threshold, with the same method and the same mode.
    public var beyondMeasurementError: Bool
    public var note: String
}

public struct ROMEvaluation: Sendable, Equatable, Codable {
    /// nil when the joint or motion is unknown.
    public var norm: MotionNorm?
    public var normAAOS: Double?
    public var normVA: Double?
    public var vaDiffers: Bool
    /// degrees ÷ normal × 100, against AAOS, or against VA where AAOS has no value.
    public var percentOfNormal: Double?
    /// "AAOS" or "VA": which normal `percentOfNormal` uses.
    public var percentBasis: String?
    public var percentUnavailableReason: String?
    /// This side minus the other side, degrees (same joint, motion and mode, opposite side, same visit).
    public var sideDifference: Double?
    public var sideDifferenceUnavailableReason: String?
    public var change: ROMChange?
    public var changeUnavailableReason: String?
}

public enum RangeOfMotion {
    /// Evaluates one measurement: its §2.1 norms, percent of normal, the difference from the other side measured at
    /// the same visit, and the change since `baseline` judged against the §2.2 measurement error.
    public static func evaluate(_ m: ROMMeasurement, otherSide: ROMMeasurement?, baseline: ROMMeasurement?,
                                thresholds: ROMErrorThresholds = .init(), norms: [MotionNorm] = ROMNorms.all) -> ROMEvaluation {
        let norm = ROMNorms.norm(joint: m.joint, motion: m.motion, in: norms)
        var out = ROMEvaluation(norm: norm, normAAOS: norm?.aaos, normVA: norm?.va, vaDiffers: norm?.vaDiffers ?? false)

        // Percent of normal.
        if let norm {
            let reference: (basis: String, normal: Double)? = norm.aaos.map { ("AAOS", $0) } ?? norm.va.map { ("VA", $0) }
            if let (basis, normal) = reference {
                if normal == 0 {
                    out.percentUnavailableReason = "normal is 0°; loss of extension shown in degrees"
                } else {
                    out.percentOfNormal = m.degrees / normal * 100
                    out.percentBasis = basis
                }
            } else {
                out.percentUnavailableReason = "the reference has no normal value for this motion"
            }
        } else {
            out.percentUnavailableReason = "unknown joint or motion"
        }

        // Side-to-side difference.
        if let other = otherSide {
            if let side = m.side, other.side == (side == .left ? Side.right : .left), other.joint == m.joint,
               other.motion == m.motion, other.mode == m.mode {
                out.sideDifference = m.degrees - other.degrees
            } else {
                out.sideDifferenceUnavailableReason = "the other measurement is not the same motion and mode on the opposite side"
            }
        }

        // Change since baseline.
        if let base = baseline {
            if base.joint != m.joint || base.motion != m.motion || base.side != m.side {
                out.changeUnavailableReason = "the baseline is not the same motion on the same side"
            } else if let norm {
                out.change = self.change(from: base, to: m, norm: norm, thresholds: thresholds)
            } else {
                out.changeUnavailableReason = "unknown joint or motion"
            }
        }
        return out
    }

    /// Same examiner: the same examiner ID when both have one, otherwise the same (non-empty) name. Unknown
    /// examiners count as different (the larger, conservative threshold).
    public static func sameExaminer(_ a: ROMMeasurement, _ b: ROMMeasurement) -> Bool {
        if let x = a.examinerID, let y = b.examinerID { return x == y }
        let x = Text.searchKey(a.examinerName)
        return !x.isEmpty && x == Text.searchKey(b.examinerName)
    }

    static func change(from base: ROMMeasurement, to m: ROMMeasurement, norm: MotionNorm, thresholds: ROMErrorThresholds) -> ROMChange {
        let sameExaminer = self.sameExaminer(base, m)
        let sameMethod = base.method == m.method
        let sameMode = base.mode == m.mode
        let delta = m.degrees - base.degrees
        var limit = thresholds.threshold(for: norm, method: m.method, sameExaminer: sameExaminer)
        if !sameMethod {
            let other = thresholds.threshold(for: norm, method: base.method, sameExaminer: sameExaminer)
            if other.degrees > limit.degrees { limit = other }
        }
        let beyond = sameMethod && sameMode && abs(delta) > limit.degrees + 1e-9

        var notes: [String] = []
        let d = (delta > 0 ? "+" : "") + degreeText(delta) + "°"
        if !sameMethod {
            notes.append("Method changed (\(base.method.label.lowercased()) → \(m.method.label.lowercased())): readings from different devices "
                + "are not interchangeable, so this change is never called beyond measurement error; measure with the baseline method to compare.")
        } else if !sameMode {
            notes.append("Baseline was \(base.mode.rawValue), this reading is \(m.mode.rawValue): active and passive ranges are not "
                + "compared as a change.")
        } else if beyond {
            notes.append("\(d) is beyond the \(degreeText(limit.degrees))° measurement error.")
        } else {
            notes.append("\(d) is within the \(degreeText(limit.degrees))° measurement error: not a demonstrable change.")
        }
        if !sameExaminer {
            notes.append(base.examinerID == nil && Text.clean(base.examinerName).isEmpty || m.examinerID == nil && Text.clean(m.examinerName).isEmpty
                ? "An examiner is not recorded, so the readings are treated as from different examiners."
                : "Different examiners: use the same examiner where possible (§2.2).")
        }
        return ROMChange(baseline: base.degrees, current: m.degrees, delta: delta, threshold: limit.degrees, thresholdSource: limit.source,
                         thresholdConfidence: limit.confidence, sameExaminer: sameExaminer, sameMethod: sameMethod, sameMode: sameMode,
                         beyondMeasurementError: beyond, note: notes.joined(separator: " "))
    }
}

/// Degrees for display: whole numbers without a decimal, otherwise one decimal.
private func degreeText(_ x: Double) -> String {
    let r = (x * 10).rounded() / 10
    return r.rounded() == r ? String(Int(r)) : String(format: "%.1f", r)
}
