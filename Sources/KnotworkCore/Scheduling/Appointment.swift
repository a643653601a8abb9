import Foundation

// The appointment book that session notes start from (issue 4 §2: "started from an appointment or ad hoc"). This is the
// book itself — booking one visit with a clinician of the care team, arrival, cancellation, no-show, and completion when
// the visit's note is signed. Recurring series from the plan's frequency, authorised-visit counters, reminders and
// calendar feeds belong to the scheduling capability (PRODUCT.md) and build on these rules.

public enum AppointmentKind: String, Codable, CaseIterable, Sendable {
    case session
    case evaluation
    case reEvaluation = "re_evaluation"

    public var label: String {
        switch self {
        case .session: "Treatment session"
        case .evaluation: "Evaluation"
        case .reEvaluation: "Re-evaluation"
        }
    }
}

public enum AppointmentStatus: String, Codable, CaseIterable, Sendable {
    case booked
    /// The patient is here (or the clinician started the visit's note).
    case arrived
    /// The visit's note is signed.
    case completed
    case cancelled
    case noShow = "no_show"

    public var label: String {
        switch self {
        case .booked: "Booked"
        case .arrived: "Arrived"
        case .completed: "Completed"
        case .cancelled: "Cancelled"
        case .noShow: "No-show"
        }
    }

    /// Booked and arrived visits hold the clinician's time; the others free it.
    public var holdsTime: Bool { self == .booked || self == .arrived }

    /// The moves a person makes. `completed` is not among them: it follows from signing the visit's note, so that a
    /// visit is never marked done without its record.
    public func mayMove(to next: AppointmentStatus) -> Bool {
        switch (self, next) {
        case (.booked, .arrived), (.booked, .cancelled), (.booked, .noShow), (.arrived, .cancelled), (.arrived, .booked): true
        default: false
        }
    }
}

public struct Appointment: Sendable, Equatable, Codable {
    public var clinicianID: UUID
    public var start: Date
    public var minutes: Int
    public var kind: AppointmentKind
    public var reason: String?

    public init(clinicianID: UUID, start: Date, minutes: Int, kind: AppointmentKind, reason: String? = nil) {
        self.clinicianID = clinicianID
        self.start = start
        self.minutes = minutes
        self.kind = kind
        self.reason = reason
    }

    public var end: Date { self.start.addingTimeInterval(TimeInterval(self.minutes * 60)) }

    /// Refuses the visit when it overlaps one of the clinician's visits that hold time (`booked`), naming that visit in
    /// the clinic's local time.
    public func refusingOverlap(with booked: [Appointment], clock: ClinicClock) throws(ValidationFailure) {
        if let clash = booked.first(where: { self.overlaps(start: $0.start, end: $0.end) }) {
            throw ValidationFailure([FieldError("start", "The clinician already has a visit from \(clock.text(clash.start)) to "
                                                + "\(clock.timeOfDay(clash.end)); choose another time.")])
        }
    }

    /// Two visits overlap when each starts before the other ends (back-to-back visits do not).
    public func overlaps(start: Date, end: Date) -> Bool {
        self.start < end && start < self.end
    }
}

/// Limits of the book. Our choices (the reference is silent): the 8-hour ceiling is issue 4's longest session.
public enum AppointmentLimits {
    public static let minutes = 5...480
    /// How far back a visit may be entered (a walk-in booked after it began) and how far ahead it may be booked.
    public static let pastAllowance: TimeInterval = 24 * 3600
    public static let horizon: TimeInterval = 2 * 366 * 24 * 3600
}

/// A booking as the form or the API sends it; `validated` names every problem at once.
public struct AppointmentInput: Codable, Sendable, Equatable {
    public var clinicianId: UUID?
    public var start: Date?
    public var minutes: Int?
    public var kind: String?
    public var reason: String?
    /// Why the visit is booked beyond the last authorized visit or a referral's dates (needed then; see `Coverage`).
    public var overrideReason: String?

    public init(clinicianId: UUID? = nil, start: Date? = nil, minutes: Int? = nil, kind: String? = nil, reason: String? = nil,
                overrideReason: String? = nil) {
        self.overrideReason = overrideReason
        self.clinicianId = clinicianId
        self.start = start
        self.minutes = minutes
        self.kind = kind
        self.reason = reason
    }

    /// - Parameter clinicians: the clinicians on the patient's care team, who alone may be booked for them.
    public func validated(now: Date, clinicians: Set<UUID>) throws(ValidationFailure) -> Appointment {
        var v = AssessmentValidator()
        if let id = self.clinicianId {
            if !clinicians.contains(id) { v.add("clinicianId", "Choose a clinician on the patient's care team.") }
        } else {
            v.add("clinicianId", "Choose the clinician the visit is with.")
        }
        if let start = self.start {
            if start < now.addingTimeInterval(-AppointmentLimits.pastAllowance) {
                v.add("start", "A visit cannot be booked more than a day in the past.")
            } else if start > now.addingTimeInterval(AppointmentLimits.horizon) {
                v.add("start", "A visit can be booked at most two years ahead.")
            }
        } else {
            v.add("start", "Start is required, as a date and time.")
        }
        if let minutes = self.minutes {
            if !AppointmentLimits.minutes.contains(minutes) {
                v.add("minutes", "Length must be \(AppointmentLimits.minutes.lowerBound)–\(AppointmentLimits.minutes.upperBound) minutes.")
            }
        } else {
            v.add("minutes", "Length is required, in minutes.")
        }
        let kind = AppointmentKind(rawValue: self.kind ?? AppointmentKind.session.rawValue)
        if kind == nil { v.add("kind", "Kind must be one of: \(AppointmentKind.allCases.map(\.rawValue).joined(separator: ", ")).") }
        let reason = v.line(self.reason, "reason", "Reason", max: AssessmentLimits.statement)
        try v.finish()
        return Appointment(clinicianID: self.clinicianId!, start: self.start!, minutes: self.minutes!, kind: kind!, reason: reason)
    }
}

/// A move of an appointment's status (arrival, cancellation, no-show, or back to booked). A cancellation says why.
public struct AppointmentStatusChange: Codable, Sendable, Equatable {
    public var status: String?
    public var reason: String?
    /// With a cancellation of a visit booked in a series: the series' later visits still booked are cancelled too.
    public var restOfSeries: Bool?

    public init(status: String? = nil, reason: String? = nil, restOfSeries: Bool? = nil) {
        self.status = status
        self.reason = reason
        self.restOfSeries = restOfSeries
    }

    /// - Parameter noteStarted: the visit's note is started; the visit then only completes, by the note's signature.
    public func validated(from current: AppointmentStatus, noteStarted: Bool = false) throws(ValidationFailure) -> (AppointmentStatus, String?) {
        var v = AssessmentValidator()
        let next = self.status.flatMap(AppointmentStatus.init(rawValue:))
        if next == nil {
            v.add("status", "Status must be one of: arrived, cancelled, no_show, booked.")
        }
        let reason = v.line(self.reason, "reason", "Reason", max: AssessmentLimits.statement)
        if next == .cancelled && reason == nil { v.add("reason", "Say why the visit is cancelled.") }
        try v.finish()
        if noteStarted && current.holdsTime {
            throw ValidationFailure([FieldError("status", "The visit's note is started: the visit completes when that note is signed.")])
        }
        if !current.mayMove(to: next!) {
            throw ValidationFailure([FieldError("status", "A \(current.label.lowercased()) visit cannot become \(next!.label.lowercased()).")])
        }
        return (next!, reason)
    }
}
