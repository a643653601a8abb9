import Fluent
import Foundation
import KnotworkCore
import SQLKit

/// One delivery of a signed progress report.
public struct ReportDelivery: Sendable, Equatable, Identifiable {
    public enum Channel: String, Sendable, CaseIterable {
        case inbox, email, print

        public var label: String {
            switch self {
            case .inbox: "Knotwork inbox"
            case .email: "E-mail notice"
            case .print: "Printed"
            }
        }
    }

    public var id: UUID
    public var reportID: UUID
    public var patientID: UUID
    public var channel: Channel
    public var recipientUserID: UUID?
    public var recipientName: String
    public var recipientAddress: String?
    public var outboxMessageID: UUID?
    /// The outbox message's state, for an e-mail notice.
    public var outboxStatus: OutboxStatus?
    public var createdByName: String
    public var createdAt: Date
    public var acknowledgedAt: Date?
}

/// A report in a provider's inbox.
public struct InboxItem: Sendable, Equatable {
    public var delivery: ReportDelivery
    public var patientName: String
    public var recordNumber: String
    public var authorName: String
    public var signedAt: Date?
}

public struct ReportDeliveryStore: Sendable {
    static let table = "report_deliveries"
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    @discardableResult
    public func add(report reportID: UUID, patientID: UUID, channel: ReportDelivery.Channel, recipientUserID: UUID?, recipientName: String,
                    recipientAddress: String?, outboxMessageID: UUID?, by name: String, at now: Date) async throws -> UUID {
        let id = UUID()
        try await self.database.sql.insert(into: Self.table)
            .columns("id", "report_id", "patient_id", "channel", "recipient_user_id", "recipient_name", "recipient_address", "outbox_message_id",
                     "created_by_name", "created_at")
            .values(SQLBind(id), SQLBind(reportID), SQLBind(patientID), SQLBind(channel.rawValue), SQLBind(recipientUserID), SQLBind(recipientName),
                    SQLBind(recipientAddress), SQLBind(outboxMessageID), SQLBind(name), SQLBind(now))
            .run()
        return id
    }

    private func select() -> SQLSelectBuilder {
        self.database.sql.select()
            .column(SQLColumn("id", table: "d")).column(SQLColumn("report_id", table: "d")).column(SQLColumn("patient_id", table: "d"))
            .column(SQLColumn("channel", table: "d")).column(SQLColumn("recipient_user_id", table: "d")).column(SQLColumn("recipient_name", table: "d"))
            .column(SQLColumn("recipient_address", table: "d")).column(SQLColumn("outbox_message_id", table: "d"))
            .column(SQLColumn("created_by_name", table: "d")).column(SQLColumn("created_at", table: "d")).column(SQLColumn("acknowledged_at", table: "d"))
            .column(SQLColumn("status", table: "o"), as: "outbox_status")
            .from(SQLAlias(SQLIdentifier(Self.table), as: SQLIdentifier("d")))
            .join(SQLAlias(SQLIdentifier("outbox_messages"), as: SQLIdentifier("o")), method: SQLJoinMethod.left,
                  on: SQLColumn("outbox_message_id", table: "d"), .equal, SQLColumn("id", table: "o"))
    }

    private func decode(_ row: any SQLRow, _ uuids: UUIDColumns) throws -> ReportDelivery {
        ReportDelivery(
            id: try uuids.required(row, "id"), reportID: try uuids.required(row, "report_id"), patientID: try uuids.required(row, "patient_id"),
            channel: ReportDelivery.Channel(rawValue: try row.decode(column: "channel", as: String.self)) ?? .print,
            recipientUserID: try uuids.decode(row, "recipient_user_id"), recipientName: try row.decode(column: "recipient_name", as: String.self),
            recipientAddress: try row.decode(column: "recipient_address", as: String?.self), outboxMessageID: try uuids.decode(row, "outbox_message_id"),
            outboxStatus: try row.decode(column: "outbox_status", as: String?.self).flatMap(OutboxStatus.init(rawValue:)),
            createdByName: try row.decode(column: "created_by_name", as: String.self), createdAt: try row.decode(column: "created_at", as: Date.self),
            acknowledgedAt: try row.decode(column: "acknowledged_at", as: Date?.self))
    }

    /// A report's deliveries, oldest first.
    public func deliveries(of reportID: UUID) async throws -> [ReportDelivery] {
        let uuids = UUIDColumns(self.database)
        return try await self.select().where(SQLColumn("report_id", table: "d"), .equal, SQLBind(reportID))
            .orderBy(SQLColumn("created_at", table: "d")).all().map { try self.decode($0, uuids) }
    }

    /// The reports delivered to `userID`'s inbox, unacknowledged first, newest first.
    public func inbox(of userID: UUID, limit: Int = 200) async throws -> [InboxItem] {
        let uuids = UUIDColumns(self.database)
        let rows = try await self.select()
            .column(SQLColumn("given_name", table: "p")).column(SQLColumn("family_name", table: "p")).column(SQLColumn("record_number", table: "p"))
            .column(SQLColumn("author_name", table: "n")).column(SQLColumn("signed_at", table: "n"))
            .join(SQLAlias(SQLIdentifier(PatientModel.schema), as: SQLIdentifier("p")), method: SQLJoinMethod.inner,
                  on: SQLColumn("patient_id", table: "d"), .equal, SQLColumn("id", table: "p"))
            .join(SQLAlias(SQLIdentifier(SessionNoteModel.schema), as: SQLIdentifier("n")), method: SQLJoinMethod.inner,
                  on: SQLColumn("report_id", table: "d"), .equal, SQLColumn("id", table: "n"))
            .where(SQLColumn("recipient_user_id", table: "d"), .equal, SQLBind(userID))
            .where(SQLColumn("channel", table: "d"), .equal, SQLBind(ReportDelivery.Channel.inbox.rawValue))
            .orderBy(SQLOrderBy(expression: SQLColumn("created_at", table: "d"), direction: SQLDirection.descending)).limit(limit).all()
        let items = try rows.map { row in
            InboxItem(delivery: try self.decode(row, uuids),
                      patientName: "\(try row.decode(column: "family_name", as: String.self)), \(try row.decode(column: "given_name", as: String.self))",
                      recordNumber: try row.decode(column: "record_number", as: String.self), authorName: try row.decode(column: "author_name", as: String.self),
                      signedAt: try row.decode(column: "signed_at", as: Date?.self))
        }
        let open: [InboxItem] = items.filter { $0.delivery.acknowledgedAt == nil }
        let seen: [InboxItem] = items.filter { $0.delivery.acknowledgedAt != nil }
        return open + seen
    }

    /// The recipient acknowledges an inbox delivery: once. False when it is not theirs or already acknowledged.
    public func acknowledge(_ id: UUID, by userID: UUID, at now: Date) async throws -> Bool {
        try await !self.database.sql.update(Self.table).set("acknowledged_at", to: now)
            .where("id", .equal, id).where("recipient_user_id", .equal, userID)
            .where("channel", .equal, ReportDelivery.Channel.inbox.rawValue).where("acknowledged_at", .is, SQLLiteral.null)
            .returning("id").all().isEmpty
    }

    public func delivery(_ id: UUID) async throws -> ReportDelivery? {
        let uuids = UUIDColumns(self.database)
        return try await self.select().where(SQLColumn("id", table: "d"), .equal, SQLBind(id)).first().map { try self.decode($0, uuids) }
    }
}
