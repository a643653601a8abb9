import Fluent
import Foundation
import KnotworkCore
import SQLKit

public enum NoteTemplateStoreError: Error, Equatable {
    case notFound
}

/// Note templates: each therapist's own, and those shared with the clinic. Removing one retires it.
public struct NoteTemplateStore: Sendable {
    static let table = "note_templates"
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    struct Row: Decodable {
        var id: UUID
        var name: String
        var owner_id: UUID
        var owner_name: String
        var shared: Bool
        var body: String

        func template() throws -> NoteTemplate {
            NoteTemplate(id: self.id, name: self.name, ownerID: self.owner_id, ownerName: self.owner_name, shared: self.shared,
                         body: try StoredJSON.decode(SessionNoteInput.self, self.body))
        }
    }

    /// The templates a user may start a note from: their own and the shared ones, by name.
    public func templates(for userID: UUID) async throws -> [NoteTemplate] {
        try await self.database.sql.raw("""
            SELECT id, name, owner_id, owner_name, shared, body FROM \(ident: Self.table)
            WHERE retired_at IS NULL AND (owner_id = \(bind: userID) OR shared = \(bind: true))
            ORDER BY name, created_at
            """).all(decoding: Row.self).map { try $0.template() }
    }

    public func create(name: String, shared: Bool, body: SessionNoteInput, by owner: Recorder, at now: Date) async throws -> NoteTemplate {
        let id = UUID()
        try await self.database.sql.insert(into: Self.table)
            .columns("id", "name", "owner_id", "owner_name", "shared", "body", "created_at")
            .values(SQLBind(id), SQLBind(name), SQLBind(owner.userID), SQLBind(owner.name), SQLBind(shared), SQLBind(try StoredJSON.encode(body)),
                    SQLBind(now))
            .run()
        return NoteTemplate(id: id, name: name, ownerID: owner.userID, ownerName: owner.name, shared: shared, body: body)
    }

    /// Only the owner retires a template; anyone else's is `notFound`.
    public func retire(_ id: UUID, by ownerID: UUID, at now: Date) async throws {
        let rows = try await self.database.sql.update(Self.table).set("retired_at", to: now)
            .where("id", .equal, id).where("owner_id", .equal, ownerID).where("retired_at", .is, SQLLiteral.null)
            .returning("id").all()
        guard !rows.isEmpty else { throw NoteTemplateStoreError.notFound }
    }
}
