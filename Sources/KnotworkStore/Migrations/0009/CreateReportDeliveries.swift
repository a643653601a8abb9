import Fluent
import Foundation
import SQLKit

// Release 0009: the delivery log of signed progress reports: to a Knotwork provider's inbox (acknowledged there), by an
// e-mail notice through the outbox, or on paper. Never edit once released; add a new migration instead.

struct CreateReportDeliveries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("report_deliveries")
            .id()
            .field("report_id", .uuid, .required, .references(SessionNoteModel.schema, "id"))
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("channel", .string, .required)
            .field("recipient_user_id", .uuid, .references(UserModel.schema, "id"))
            .field("recipient_name", .string, .required)
            .field("recipient_address", .string)
            .field("outbox_message_id", .uuid, .references("outbox_messages", "id"))
            .field("created_by_name", .string, .required)
            .field("created_at", .datetime, .required)
            .field("acknowledged_at", .datetime)
            .create()
        try await database.sql.raw("CREATE INDEX report_deliveries_report ON report_deliveries (report_id)").run()
        try await database.sql.raw("CREATE INDEX report_deliveries_inbox ON report_deliveries (recipient_user_id, acknowledged_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("report_deliveries").delete()
    }
}
