import Fluent
import Foundation
import SQLKit

// Release 0004: the clinic's settings for plans and progress, kept as numbered versions (the newest is in force; the
// earlier ones stay, so that a chart can be explained by the rules of its day), note templates, and the index the
// chart's timeline reads addenda by. Never edit once released; add a new migration instead.

struct CreateClinicSettings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("clinic_settings")
            .field("version", .int, .identifier(auto: false))
            .field("body", .string, .required)
            .field("saved_at", .datetime, .required)
            .field("saved_by", .uuid, .required, .references(UserModel.schema, "id"))
            .field("saved_by_name", .string, .required)
            .create()
        try await database.sql.raw("CREATE INDEX note_addenda_patient ON note_addenda (patient_id, signed_at)").run()
        // A template is removed by retiring it: notes started from it do not point at it, but its history stays readable.
        try await database.schema("note_templates")
            .id()
            .field("name", .string, .required)
            .field("owner_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("owner_name", .string, .required)
            .field("shared", .bool, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .field("retired_at", .datetime)
            .create()
        try await database.sql.raw("CREATE INDEX note_templates_owner ON note_templates (owner_id, retired_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("note_templates").delete()
        try await database.sql.raw("DROP INDEX note_addenda_patient").run()
        try await database.schema("clinic_settings").delete()
    }
}
