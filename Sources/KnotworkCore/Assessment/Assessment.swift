import Foundation

/// An initial evaluation or a re-evaluation (the episode of care, PRODUCT.md step 3 and 6).
public enum AssessmentKind: String, Codable, Sendable, CaseIterable {
    case initial
    case reEvaluation

    public var label: String {
        switch self {
        case .initial: "Initial evaluation"
        case .reEvaluation: "Re-evaluation"
        }
    }
}

/// What a form or the API sends to open an assessment, before validation.
public struct AssessmentHeaderInput: Codable, Sendable, Equatable {
    public var kind: String?
    /// `YYYY-MM-DD`.
    public var assessedOn: String?
    public var summary: String?

    public init(kind: String? = nil, assessedOn: String? = nil, summary: String? = nil) {
        self.kind = kind
        self.assessedOn = assessedOn
        self.summary = summary
    }
}

/// The validated header fields; the store adds the id, patient and clinician (`AssessmentHeader`).
public struct AssessmentHeaderValue: Codable, Sendable, Equatable {
    public var kind: AssessmentKind
    public var assessedOn: CalendarDate
    public var summary: String

    public init(kind: AssessmentKind, assessedOn: CalendarDate, summary: String) {
        self.kind = kind
        self.assessedOn = assessedOn
        self.summary = summary
    }
}

extension AssessmentHeaderInput {
    /// - Parameters:
    ///   - today: the clinic's current date; an assessment cannot be dated after it.
    ///   - birthDate: the patient's date of birth; an assessment cannot be dated before it.
    public func validated(today: CalendarDate, birthDate: CalendarDate) throws(ValidationFailure) -> AssessmentHeaderValue {
        var v = AssessmentValidator()
        let kind: AssessmentKind? = v.requiredChoice(self.kind, "kind", "Kind")
        let date = v.date(self.assessedOn, "assessedOn", "Assessment date", required: true, today: today, birthDate: birthDate)
        let summary = v.text(self.summary, "summary", "Summary") ?? ""
        try v.finish()
        return AssessmentHeaderValue(kind: kind!, assessedOn: date!, summary: summary)
    }
}

// MARK: - Shared validation for the assessment inputs

/// Text and list limits for every assessment input. The reference sets none; 200 for names and 2000 for
/// notes are the numbers, the others are our choices.
public enum AssessmentLimits {
    /// Names and short entries (a condition, a medication, an allergy, a body structure).
    public static let name = 200
    /// One statement: a goal in the patient's words, a safety question, a rule's guidance line.
    public static let statement = 500
    /// Notes and summaries.
    public static let note = 2000
    /// Entries in one list (conditions, medications, markings, factors …): a bound against runaway input.
    public static let listItems = 50
}

/// Collects every field error of one input so it is thrown once, as `PatientInput.validate` does.
/// Text is trimmed; an over-long text is an error, never truncated.
struct AssessmentValidator {
    var errors: [FieldError] = []

    mutating func add(_ field: String, _ message: String) {
        self.errors.append(FieldError(field, message))
    }

    func finish() throws(ValidationFailure) {
        guard self.errors.isEmpty else { throw ValidationFailure(self.errors) }
    }

    /// One-line text: trimmed, inner whitespace collapsed; nil when blank.
    mutating func line(_ value: String?, _ field: String, _ label: String, max: Int = AssessmentLimits.name) -> String? {
        let v = Text.clean(value)
        if v.isEmpty { return nil }
        if v.count > max {
            self.add(field, "\(label) must be at most \(max) characters.")
        } else if Text.hasControlCharacters(value ?? "") {
            self.add(field, "\(label) contains characters that are not allowed.")
        }
        return v
    }

    mutating func requiredLine(_ value: String?, _ field: String, _ label: String, max: Int = AssessmentLimits.name) -> String {
        guard let v = self.line(value, field, label, max: max) else {
            self.add(field, "\(label) is required.")
            return ""
        }
        return v
    }

    /// Free text: trimmed at both ends, line breaks kept; nil when blank.
    mutating func text(_ value: String?, _ field: String, _ label: String, max: Int = AssessmentLimits.note) -> String? {
        let v = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if v.isEmpty { return nil }
        if v.count > max {
            self.add(field, "\(label) must be at most \(max) characters.")
        } else if v.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) && !"\n\r\t".unicodeScalars.contains($0) }) {
            self.add(field, "\(label) contains characters that are not allowed.")
        }
        return v
    }

    /// A list of one-line entries: blank entries (empty form rows) are skipped, each entry is checked
    /// at `field[i]` with the index the caller sent.
    mutating func lines(_ values: [String]?, _ field: String, _ label: String, max: Int = AssessmentLimits.name) -> [String] {
        let values = values ?? []
        if values.count > AssessmentLimits.listItems {
            self.add(field, "At most \(AssessmentLimits.listItems) entries.")
            return []
        }
        return values.enumerated().compactMap { i, value in self.line(value, "\(field)[\(i)]", label, max: max) }
    }

    /// A coded choice matched against raw values, ignoring case; nil when blank or unknown (unknown is an error).
    mutating func choice<E: RawRepresentable & CaseIterable>(_ value: String?, _ field: String, _ label: String) -> E? where E.RawValue == String {
        let v = Text.clean(value)
        if v.isEmpty { return nil }
        if let match = E.allCases.first(where: { $0.rawValue.lowercased() == v.lowercased() }) { return match }
        self.add(field, "\(label) must be one of: \(E.allCases.map(\.rawValue).joined(separator: ", ")).")
        return nil
    }

    mutating func requiredChoice<E: RawRepresentable & CaseIterable>(_ value: String?, _ field: String, _ label: String) -> E? where E.RawValue == String {
        if Text.clean(value).isEmpty {
            self.add(field, "\(label) is required (one of: \(E.allCases.map(\.rawValue).joined(separator: ", "))).")
            return nil
        }
        return self.choice(value, field, label)
    }

    /// A `YYYY-MM-DD` date that is neither after today nor before the patient's birth.
    mutating func date(_ value: String?, _ field: String, _ label: String, required: Bool, today: CalendarDate,
                       birthDate: CalendarDate) -> CalendarDate? {
        let text = Text.clean(value)
        if text.isEmpty {
            if required { self.add(field, "\(label) is required.") }
            return nil
        }
        guard let date = CalendarDate(text) else {
            self.add(field, "\(label) must be a real date written YYYY-MM-DD.")
            return nil
        }
        if date > today {
            self.add(field, "\(label) cannot be in the future.")
        } else if date < birthDate {
            self.add(field, "\(label) cannot be before the patient's date of birth (\(birthDate)).")
        }
        return date
    }
}
