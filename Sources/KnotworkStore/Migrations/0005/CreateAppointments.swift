import Fluent
import Foundation
import SQLKit

// Release 0005: the appointment book that session notes start from. `ends_at` is kept beside `starts_at` so that the
// overlap check and a day's schedule are index range reads. A visit's note is linked from here (`note_id`), so the notes
// table and its signed-note trigger are untouched. Never edit once released; add a new migration instead.

struct CreateAppointments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("appointments")
            .id()
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("clinician_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .field("minutes", .int, .required)
            .field("kind", .string, .required)
            .field("reason", .string)
            .field("status", .string, .required)
            .field("status_reason", .string)
            .field("note_id", .uuid, .references(SessionNoteModel.schema, "id"))
            .field("booked_by", .uuid, .required, .references(UserModel.schema, "id"))
            .field("booked_by_name", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "note_id")
            .create()
        try await database.sql.raw("CREATE INDEX appointments_clinician ON appointments (clinician_id, starts_at)").run()
        try await database.sql.raw("CREATE INDEX appointments_patient ON appointments (patient_id, starts_at)").run()
        try await database.sql.raw("CREATE INDEX appointments_day ON appointments (starts_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("appointments").delete()
    }
}
