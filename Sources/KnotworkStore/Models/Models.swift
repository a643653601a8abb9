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
    /// Set for measures taken at a session (migration 0003).
    @OptionalField(key: "session_id") var sessionID: UUID?

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
    @OptionalField(key: "due_on") var dueOn: String?
    @OptionalField(key: "created_by_name") var createdByName: String?
    @OptionalField(key: "note_id") var noteID: UUID?

    init() {}
}

final class CarePlanModel: Model, @unchecked Sendable {
    static let schema = "care_plans"

    @ID(key: .id) var id: UUID?
    @Field(key: "patient_id") var patientID: UUID
    @Field(key: "status") var status: String
    @Field(key: "revision") var revision: Int
    @Field(key: "body") var body: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "certified_by") var certifiedBy: UUID?
    @OptionalField(key: "certified_at") var certifiedAt: Date?
    @OptionalField(key: "certification") var certification: String?

    init() {}
}

final class CarePlanRevisionModel: Model, @unchecked Sendable {
    static let schema = "care_plan_revisions"

    @ID(key: .id) var id: UUID?
    @Field(key: "plan_id") var planID: UUID
    @Field(key: "number") var number: Int
    @Field(key: "at") var at: Date
    @Field(key: "by_id") var byID: UUID
    @Field(key: "by_name") var byName: String
    @Field(key: "changes") var changes: String
    @Field(key: "snapshot") var snapshot: String

    init() {}
}

final class SessionNoteModel: Model, @unchecked Sendable {
    static let schema = "session_notes"

    @ID(key: .id) var id: UUID?
    @Field(key: "patient_id") var patientID: UUID
    @OptionalField(key: "plan_id") var planID: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "author_id") var authorID: UUID
    @Field(key: "author_name") var authorName: String
    @Field(key: "idempotency_key") var idempotencyKey: String
    @Field(key: "body") var body: String
    @OptionalField(key: "session_start") var sessionStart: Date?
    @OptionalField(key: "session_end") var sessionEnd: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "signed_at") var signedAt: Date?
    @OptionalField(key: "signature") var signature: String?
    @OptionalField(key: "canonical") var canonical: String?
    @Field(key: "late") var late: Bool

    init() {}
}

final class NoteAddendumModel: Model, @unchecked Sendable {
    static let schema = "note_addenda"

    @ID(key: .id) var id: UUID?
    @Field(key: "note_id") var noteID: UUID
    @Field(key: "patient_id") var patientID: UUID
    @Field(key: "author_id") var authorID: UUID
    @Field(key: "author_name") var authorName: String
    @Field(key: "text") var text: String
    @Field(key: "signed_at") var signedAt: Date
    @Field(key: "signature") var signature: String
    @Field(key: "canonical") var canonical: String

    init() {}
}
