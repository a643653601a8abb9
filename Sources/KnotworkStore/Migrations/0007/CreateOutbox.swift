import Fluent
import Foundation
import SQLKit

// Release 0007: the e-mail outbox. A worker claims a message with one conditional UPDATE (status and lease), so two
// workers, in one process or two, never hold the same message; `data_committed` is set just before the message's
// final dot goes to the server, so that a worker that dies after it marks the message uncertain instead of sending it
// again. Never edit once released; add a new migration instead.

struct CreateOutbox: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("outbox_messages")
            .id()
            .field("kind", .string, .required)
            .field("to_address", .string, .required)
            .field("subject", .string, .required)
            .field("body_text", .string, .required)
            .field("reference", .string)
            .field("message_id", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime)
            .field("claimed_by", .string)
            .field("claimed_until", .datetime)
            .field("data_committed", .bool, .required)
            .field("last_error", .string)
            .field("created_by", .uuid, .references(UserModel.schema, "id"))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("sent_at", .datetime)
            .unique(on: "message_id")
            .create()
        try await database.sql.raw("CREATE INDEX outbox_due ON outbox_messages (status, next_attempt_at)").run()
        try await database.sql.raw("CREATE INDEX outbox_reference ON outbox_messages (reference)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("outbox_messages").delete()
    }
}
