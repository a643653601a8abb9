import Fluent
import Foundation
import SQLKit

// Release 0011: clinicians' licenses and national certifications, their continuing-education log, the
// administrator's time-limited exceptions to the license gate, the series a booked visit belongs to and the e-mail
// reminder queued for it, clinicians' calendar feeds (their secret URLs kept only as SHA-256 hashes), and the
// administrator's edits of the CE rules, each a numbered version. Dates are local calendar dates (YYYY-MM-DD text, which
// sorts); the rest of a license or course is its JSON body. Never edit once released; add a new migration instead.

struct CreateCredentials: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("licenses")
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("kind", .string, .required)
            .field("jurisdiction", .string, .required)
            .field("expires_on", .string, .required)
            .field("body", .string, .required)
            .field("recorded_by", .uuid, .required, .references(UserModel.schema, "id"))
            .field("recorded_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "user_id", "kind", "jurisdiction")
            .create()
        try await database.sql.raw("CREATE INDEX licenses_expiry ON licenses (expires_on)").run()
        try await database.schema("ce_courses")
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("completed_on", .string, .required)
            .field("body", .string, .required)
            .field("recorded_by", .uuid, .required, .references(UserModel.schema, "id"))
            .field("recorded_at", .datetime, .required)
            .create()
        try await database.sql.raw("CREATE INDEX ce_courses_user ON ce_courses (user_id, completed_on)").run()
        try await database.schema("license_overrides")
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("starts_on", .string, .required)
            .field("ends_on", .string, .required)
            .field("reason", .string, .required)
            .field("problem", .string, .required)
            .field("granted_by", .uuid, .required, .references(UserModel.schema, "id"))
            .field("granted_by_name", .string, .required)
            .field("granted_at", .datetime, .required)
            .create()
        try await database.sql.raw("CREATE INDEX license_overrides_user ON license_overrides (user_id, ends_on)").run()
        try await database.schema("appointments").field("series_id", .uuid).update()
        try await database.schema("appointments").field("reminder_message_id", .uuid).update()
        try await database.sql.raw("CREATE INDEX appointments_series ON appointments (series_id)").run()
        try await database.schema("calendar_feeds")
            .id()
            .field("token_hash", .string, .required)
            .field("clinician_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("created_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.schema("ce_rule_versions")
            .id()
            .field("rule_key", .string, .required)
            .field("version", .int, .required)
            .field("body", .string, .required)
            .field("saved_by", .uuid, .required, .references(UserModel.schema, "id"))
            .field("saved_by_name", .string, .required)
            .field("saved_at", .datetime, .required)
            .unique(on: "rule_key", "version")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("ce_rule_versions").delete()
        try await database.schema("calendar_feeds").delete()
        try await database.sql.raw("DROP INDEX appointments_series").run()
        try await database.schema("appointments").deleteField("series_id").update()
        try await database.schema("appointments").deleteField("reminder_message_id").update()
        for table in ["license_overrides", "ce_courses", "licenses"] { try await database.schema(table).delete() }
    }
}
