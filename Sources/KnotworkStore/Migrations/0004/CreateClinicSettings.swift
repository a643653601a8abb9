import Fluent
import Foundation
import SQLKit

// Release 0004: the clinic's settings for plans and progress, kept as numbered versions (the newest is in force; the
// earlier ones stay, so that a chart can be explained by the rules of its day), and the index the chart's timeline
// reads addenda by. Never edit once released; add a new migration instead.

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
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX note_addenda_patient").run()
        try await database.schema("clinic_settings").delete()
    }
}
