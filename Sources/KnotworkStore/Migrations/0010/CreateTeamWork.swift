import Fluent
import Foundation
import SQLKit

// Release 0010: the care team's work between visits. Tasks (the table the safety screen's referral tasks already use)
// gain a due date, their creator and a linked note or report; secure messages between team members about a patient,
// in threads, with each reader's read mark. Never edit once released; add a new migration instead.

struct CreateTeamWork: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TaskModel.schema).field("due_on", .string).update()
        try await database.schema(TaskModel.schema).field("created_by_name", .string).update()
        try await database.schema(TaskModel.schema).field("note_id", .uuid, .references(SessionNoteModel.schema, "id")).update()
        try await database.schema("message_threads")
            .id()
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("subject", .string, .required)
            .field("created_by", .uuid, .required, .references(UserModel.schema, "id"))
            .field("created_at", .datetime, .required)
            .field("last_message_at", .datetime, .required)
            .create()
        try await database.sql.raw("CREATE INDEX message_threads_patient ON message_threads (patient_id, last_message_at)").run()
        try await database.schema("messages")
            .id()
            .field("thread_id", .uuid, .required, .references("message_threads", "id"))
            .field("author_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("author_name", .string, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.raw("CREATE INDEX messages_thread ON messages (thread_id, created_at)").run()
        try await database.schema("message_reads")
            .field("thread_id", .uuid, .required, .references("message_threads", "id"))
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("read_at", .datetime, .required)
            .compositeIdentifier(over: "thread_id", "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in ["message_reads", "messages", "message_threads"] { try await database.schema(table).delete() }
        for column in ["note_id", "created_by_name", "due_on"] { try await database.schema(TaskModel.schema).deleteField(FieldKey(stringLiteral: column)).update() }
    }
}
