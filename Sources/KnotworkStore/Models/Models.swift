import Fluent
import Foundation
import KnotworkCore

// Fluent models are `@unchecked Sendable` because their property wrappers hold mutable storage;
// each instance is confined to the task that loaded it (as in Vapor's template).
// They never leave this module: the stores map them to KnotworkCore types.

final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "role") var role: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "active") var active: Bool
    @Field(key: "password_changed_at") var passwordChangedAt: Date

    init() {}
}

final class SessionModel: Model, @unchecked Sendable {
    static let schema = "sessions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @OptionalField(key: "ended_at") var endedAt: Date?
    @OptionalField(key: "end_reason") var endReason: String?
    @Field(key: "client_address") var clientAddress: String

    init() {}
}

final class AccessTokenModel: Model, @unchecked Sendable {
    static let schema = "access_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}
}

final class PatientModel: Model, @unchecked Sendable {
    static let schema = "patients"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Field(key: "record_number") var recordNumber: String
    @Field(key: "given_name") var givenName: String
    @Field(key: "family_name") var familyName: String
    @Field(key: "search_given") var searchGiven: String
    @Field(key: "search_family") var searchFamily: String
    @Field(key: "date_of_birth") var dateOfBirth: String
    @Field(key: "sex") var sex: String
    @OptionalField(key: "phone") var phone: String?
    @OptionalField(key: "phone_digits") var phoneDigits: String?
    @OptionalField(key: "email") var email: String?
    @OptionalField(key: "address_line") var addressLine: String?
    @OptionalField(key: "city") var city: String?
    @OptionalField(key: "state") var state: String?
    @OptionalField(key: "postal_code") var postalCode: String?
    @Field(key: "active") var active: Bool

    init() {}
}

/// One word of a patient's folded name, so that name-prefix search is an index range scan.
final class PatientSearchTermModel: Model, @unchecked Sendable {
    static let schema = "patient_search_terms"

    @ID(key: .id) var id: UUID?
    @Parent(key: "patient_id") var patient: PatientModel
    @Field(key: "term") var term: String

    init() {}
}

final class CareTeamMemberModel: Model, @unchecked Sendable {
    static let schema = "care_team_members"

    @ID(key: .id) var id: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Parent(key: "patient_id") var patient: PatientModel
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "is_primary") var isPrimary: Bool

    init() {}
}

final class BreakGlassGrantModel: Model, @unchecked Sendable {
    static let schema = "break_glass_grants"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    @Parent(key: "patient_id") var patient: PatientModel
    @Field(key: "reason") var reason: String
    @Field(key: "granted_at") var grantedAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
}

final class LoginAttemptModel: Model, @unchecked Sendable {
    static let schema = "login_attempts"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "attempted_at") var attemptedAt: Date
    @Field(key: "succeeded") var succeeded: Bool

    init() {}
}

final class AssessmentModel: Model, @unchecked Sendable {
    static let schema = "assessments"

    @ID(key: .id) var id: UUID?
    @Field(key: "patient_id") var patientID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "assessed_on") var assessedOn: String
    @Field(key: "summary") var summary: String
    @Field(key: "clinician_id") var clinicianID: UUID
    @Field(key: "clinician_name") var clinicianName: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

final class ClinicalEntryModel: Model, @unchecked Sendable {
    static let schema = "clinical_entries"

    @ID(key: .id) var id: UUID?
    @Field(key: "patient_id") var patientID: UUID
    @OptionalField(key: "assessment_id") var assessmentID: UUID?
    @Field(key: "kind") var kind: String
    @OptionalField(key: "code") var code: String?
    @OptionalField(key: "value") var value: Double?
    @Field(key: "recorded_on") var recordedOn: String
    @Field(key: "recorded_at") var recordedAt: Date
    @Field(key: "recorded_by") var recordedBy: UUID
    @Field(key: "recorded_by_name") var recordedByName: String
    @Field(key: "body") var body: String

    init() {}
}

final class SafetyRuleModel: Model, @unchecked Sendable {
    static let schema = "safety_rules"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "version") var version: Int
    @Field(key: "body") var body: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: String

    init() {}
}

final class PrecautionModel: Model, @unchecked Sendable {
    static let schema = "precautions"

    @ID(key: .id) var id: UUID?
    @Field(key: "patient_id") var patientID: UUID
    @OptionalField(key: "entry_id") var entryID: UUID?
    @Field(key: "body") var body: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: UUID
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @OptionalField(key: "resolved_by") var resolvedBy: UUID?
    @OptionalField(key: "resolved_reason") var resolvedReason: String?

    init() {}
}

final class TreatmentHoldModel: Model, @unchecked Sendable {
    static let schema = "treatment_holds"

    @ID(key: .id) var id: UUID?
    @Field(key: "patient_id") var patientID: UUID
    @Field(key: "reason") var reason: String
    @Field(key: "urgent") var urgent: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: UUID
    @OptionalField(key: "cleared_at") var clearedAt: Date?
    @OptionalField(key: "cleared_by") var clearedBy: UUID?
    @OptionalField(key: "clearance_kind") var clearanceKind: String?
    @OptionalField(key: "clearance_reason") var clearanceReason: String?

    init() {}
}

final class TaskModel: Model, @unchecked Sendable {
    static let schema = "tasks"

    @ID(key: .id) var id: UUID?
    @Field(key: "patient_id") var patientID: UUID
    @OptionalField(key: "assignee_id") var assigneeID: UUID?
    @Field(key: "assignee_role") var assigneeRole: String
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @Field(key: "detail") var detail: String
    @Field(key: "urgent") var urgent: Bool
    @OptionalField(key: "hold_id") var holdID: UUID?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "completed_at") var completedAt: Date?
    @OptionalField(key: "completed_by") var completedBy: UUID?

    init() {}
}
