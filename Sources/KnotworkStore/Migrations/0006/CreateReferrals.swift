import Fluent
import Foundation
import SQLKit

// Release 0006: referrals (provider orders) and payer authorizations with their visit counters. `used_visits` is the
// counter that signing moves with one conditional UPDATE, so that two signers cannot both take the last visit; every
// counted visit also has its row in `referral_usages` (one per referral and note), and every override its row in
// `coverage_overrides` (the admin report). A scanned order is stored in the database, beside its referral. Never edit
// once released; add a new migration instead.

struct CreateReferrals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("referrals")
            .id()
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("kind", .string, .required)
            .field("status", .string, .required)
            .field("status_reason", .string)
            .field("body", .string, .required)
            .field("start_on", .string, .required)
            .field("expires_on", .string, .required)
            .field("authorized_visits", .int, .required)
            .field("used_visits", .int, .required)
            .field("provider_user_id", .uuid, .references(UserModel.schema, "id"))
            .field("plan_id", .uuid, .references("care_plans", "id"))
            .field("created_by", .uuid, .required, .references(UserModel.schema, "id"))
            .field("created_by_name", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.sql.raw("CREATE INDEX referrals_patient ON referrals (patient_id, expires_on)").run()
        try await database.schema("referral_usages")
            .id()
            .field("referral_id", .uuid, .required, .references("referrals", "id"))
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("note_id", .uuid, .required, .references(SessionNoteModel.schema, "id"))
            .field("date_of_service", .string, .required)
            .field("change_reason", .string)
            .field("override_reason", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "referral_id", "note_id")
            .create()
        try await database.sql.raw("CREATE INDEX referral_usages_referral ON referral_usages (referral_id, date_of_service)").run()
        try await database.schema("coverage_overrides")
            .id()
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("referral_id", .uuid, .required, .references("referrals", "id"))
            .field("action", .string, .required)
            .field("problem", .string, .required)
            .field("note_id", .uuid, .references(SessionNoteModel.schema, "id"))
            .field("appointment_id", .uuid, .references("appointments", "id"))
            .field("reason", .string, .required)
            .field("by_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("by_name", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await database.sql.raw("CREATE INDEX coverage_overrides_at ON coverage_overrides (at)").run()
        try await database.schema("referral_documents")
            .id()
            .field("referral_id", .uuid, .required, .references("referrals", "id"))
            .field("content_type", .string, .required)
            .field("filename", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("bytes", .data, .required)
            .field("uploaded_by", .uuid, .required, .references(UserModel.schema, "id"))
            .field("uploaded_at", .datetime, .required)
            .unique(on: "referral_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in ["referral_documents", "coverage_overrides", "referral_usages", "referrals"] {
            try await database.schema(table).delete()
        }
    }
}
