import Fluent
import Foundation
import KnotworkCore
import SQLKit

/// A referral's scanned order as stored: its type was read from its bytes, never from its name.
public struct ScannedDocument: Sendable, Equatable {
    public var referralID: UUID
    public var type: ScannedDocumentType
    /// The name it was uploaded under, for people to read; never used in a header or a path.
    public var filename: String
    public var size: Int
    /// Lower-case hex SHA-256 of the bytes, so a copy can be checked against the record.
    public var sha256: String
    public var uploadedByName: String
    public var uploadedAt: Date
}

/// The scanned orders, one per referral, kept in the database with the record (no file system to back up apart).
extension ReferralStore {
    static let documents = "referral_documents"

    /// Attaches the referral's scanned order, replacing the one before (the caller has checked that the referral is
    /// the patient's, and the audit row names the replacement).
    public func attach(_ bytes: Data, type: ScannedDocumentType, filename: String, to referralID: UUID, by uploader: Recorder,
                       at now: Date) async throws -> ScannedDocument {
        let document = ScannedDocument(referralID: referralID, type: type, filename: filename, size: bytes.count, sha256: Digest.sha256Hex(bytes),
                                       uploadedByName: uploader.name, uploadedAt: now)
        try await self.database.sql.delete(from: Self.documents).where("referral_id", .equal, referralID).run()
        try await self.database.sql.insert(into: Self.documents)
            .columns("id", "referral_id", "content_type", "filename", "size", "sha256", "bytes", "uploaded_by", "uploaded_at")
            .values(SQLBind(UUID()), SQLBind(referralID), SQLBind(type.rawValue), SQLBind(filename), SQLBind(document.size), SQLBind(document.sha256),
                    SQLBind(bytes), SQLBind(uploader.userID), SQLBind(now))
            .run()
        return document
    }

    /// The referral's scanned order, with its bytes only when asked (a page needs the name and size alone).
    public func document(of referralID: UUID, bytes: Bool = false) async throws -> (document: ScannedDocument, bytes: Data?)? {
        var q = self.database.sql.select()
            .columns(SQLColumn("content_type", table: "d"), SQLColumn("filename", table: "d"), SQLColumn("size", table: "d"),
                     SQLColumn("sha256", table: "d"), SQLColumn("uploaded_at", table: "d"), SQLColumn("display_name", table: "u"))
            .from(SQLAlias(SQLIdentifier(Self.documents), as: SQLIdentifier("d")))
            .join(SQLAlias(SQLIdentifier(UserModel.schema), as: SQLIdentifier("u")), on: SQLColumn("id", table: "u"), .equal, SQLColumn("uploaded_by", table: "d"))
            .where(SQLColumn("referral_id", table: "d"), .equal, SQLBind(referralID))
        if bytes { q = q.column(SQLColumn("bytes", table: "d")) }
        guard let row = try await q.first() else { return nil }
        let type = try row.decode(column: "content_type", as: String.self)
        let document = ScannedDocument(
            referralID: referralID, type: ScannedDocumentType(rawValue: type) ?? .pdf,
            filename: try row.decode(column: "filename", as: String.self), size: try row.decode(column: "size", as: Int.self),
            sha256: try row.decode(column: "sha256", as: String.self), uploadedByName: try row.decode(column: "display_name", as: String.self),
            uploadedAt: try row.decode(column: "uploaded_at", as: Date.self))
        return (document, bytes ? try row.decode(column: "bytes", as: Data.self) : nil)
    }
}
