import Foundation

/// What happened, in the vocabulary of ASTM E2147 / ONC 170.315(d)(2): who, what, which patient,
/// when, from where and with what outcome.
public enum AuditAction: String, Codable, Sendable, CaseIterable {
    case signIn = "auth.sign_in"
    case signInFailed = "auth.sign_in_failed"
    case signOut = "auth.sign_out"
    case sessionTimeout = "auth.timeout"
    case lockout = "auth.lockout"
    case tokenUse = "auth.token_use"
    case tokenCreate = "auth.token_create"
    case tokenRevoke = "auth.token_revoke"
    case passwordChange = "auth.password_change"
    case breakGlass = "access.break_glass"
    case accessDenied = "access.denied"
    case userCreate = "user.create"
    case userUpdate = "user.update"
    case roleChange = "user.role_change"
    case userDeactivate = "user.deactivate"
    case userReactivate = "user.reactivate"
    case passwordReset = "user.password_reset"
    case patientRead = "patient.read"
    case patientSearch = "patient.search"
    case patientCreate = "patient.create"
    case patientUpdate = "patient.update"
    case patientDeactivate = "patient.deactivate"
    case patientReactivate = "patient.reactivate"
    case careTeamRead = "care_team.read"
    case careTeamUpdate = "care_team.update"
    case auditRead = "audit.read"
    case auditExport = "audit.export"
    case auditVerify = "audit.verify"
    case assessmentRead = "assessment.read"
    case assessmentCreate = "assessment.create"
    case findingCreate = "finding.create"
    case safetyRead = "safety.read"
    case safetyScreen = "safety.screen"
    case holdClear = "safety.hold_clear"
    case holdOverride = "safety.hold_override"
    case precautionResolve = "safety.precaution_resolve"
    case safetyRuleUpdate = "safety_rule.update"
    case clinicSettingsUpdate = "clinic_settings.update"
    case taskRead = "task.read"
    case planRead = "plan.read"
    case planCreate = "plan.create"
    case planUpdate = "plan.update"
    case planCertify = "plan.certify"
    case noteRead = "note.read"
    case noteDraft = "note.draft"
    case noteSign = "note.sign"
    case noteAddendum = "note.addendum"
    case noteTemplateCreate = "note_template.create"
    case noteTemplateRetire = "note_template.retire"
    case appointmentRead = "appointment.read"
    case appointmentBook = "appointment.book"
    case appointmentUpdate = "appointment.update"
    case referralRead = "referral.read"
    case referralCreate = "referral.create"
    case referralUpdate = "referral.update"
    case outboxRead = "outbox.read"
    case outboxQueue = "outbox.queue"
    case outboxRetry = "outbox.retry"
    case profileUpdate = "user.profile_update"
    case reportDeliver = "report.deliver"
    case reportAcknowledge = "report.acknowledge"
    case taskCreate = "task.create"
    case taskComplete = "task.complete"
    case messageRead = "message.read"
    case messageSend = "message.send"
    case credentialsRead = "credentials.read"
    case licenseSave = "license.save"
    case ceCourseAdd = "ce_course.add"
    case licenseException = "license.exception"
    case calendarFeedCreate = "calendar_feed.create"
    case calendarFeedRevoke = "calendar_feed.revoke"
    case calendarFeedRead = "calendar_feed.read"
    case ceRuleUpdate = "ce_rule.update"
}

public enum AuditOutcome: String, Codable, Sendable, CaseIterable {
    case success, failure, denied
}

/// One row of the audit trail, as it is hashed. Field order is part of the hash: never reorder.
public struct AuditRecord: Equatable, Sendable {
    public var seq: Int64
    /// UTC time as `AuditRecord.timestamp` writes it; kept as text so that it hashes identically after a round trip.
    public var occurredAt: String
    public var userID: UUID?
    public var username: String
    public var role: String
    public var action: String
    public var patientID: UUID?
    public var entity: String
    public var outcome: String
    public var clientAddress: String
    public var requestID: String
    public var detail: String

    public init(seq: Int64, occurredAt: String, userID: UUID?, username: String, role: String, action: String,
                patientID: UUID?, entity: String, outcome: String, clientAddress: String, requestID: String,
                detail: String) {
        self.seq = seq
        self.occurredAt = occurredAt
        self.userID = userID
        self.username = username
        self.role = role
        self.action = action
        self.patientID = patientID
        self.entity = entity
        self.outcome = outcome
        self.clientAddress = clientAddress
        self.requestID = requestID
        self.detail = detail
    }

    /// Time as stored and hashed: UTC, millisecond precision, so both databases round-trip it exactly.
    public static func timestamp(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        // Whole seconds and milliseconds, rounding towards the past so that instants before 1970 keep their day.
        let (seconds, milli) = ms >= 0 ? (ms / 1000, ms % 1000) : ((ms - 999) / 1000, ms - ((ms - 999) / 1000) * 1000)
        let day = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let second = Int(seconds) - day * 86_400
        let p = CalendarDate.padded
        return "\(CalendarDate(dayNumber: day))T\(p(second / 3600, 2)):\(p(second / 60 % 60, 2)):\(p(second % 60, 2)).\(p(Int(milli), 3))Z"
    }

    /// The canonical text that the chain hashes: every field, unit-separated, in a fixed order.
    /// The previous row's hash goes first, so that removing or reordering rows breaks the chain.
    public func canonical(previousHash: String) -> String {
        [
            previousHash, String(self.seq), self.occurredAt, self.userID?.uuidString.lowercased() ?? "",
            self.username, self.role, self.action, self.patientID?.uuidString.lowercased() ?? "", self.entity,
            self.outcome, self.clientAddress, self.requestID, self.detail,
        ].map { $0.replacingOccurrences(of: "\u{1F}", with: " ") }.joined(separator: "\u{1F}")
    }

    /// The hash of the row before the first one.
    public static let genesisHash = String(repeating: "0", count: 64)
}
