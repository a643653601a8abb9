import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// A referral's scanned order (issue 11): a PDF, PNG or JPEG of at most 10 MB whose type is read from its bytes, kept in
/// the database, and only ever sent back as a download that no page can run or another origin embed.
extension ReferralActions {
    /// Attaches the file (replacing the one before), or names what is wrong with it on the `document` field; nothing
    /// is written then. `declared` is the type the client claimed, which must agree with the bytes.
    static func attach(_ id: UUID, bytes: ByteBuffer?, filename: String?, declared: HTTPMediaType? = nil, on req: Request) async throws -> ScannedDocument {
        let ctx = try req.requirePatient()
        let user = try req.requirePrincipal().user
        let now = req.now
        let entry = AuditEntry(.referralUpdate, patientID: ctx.patientID, entity: "referral:\(id.uuidString.lowercased()) document")
        return try await req.audit.perform(req.auditActor, entry) { db in
            let store = ReferralStore(database: db)
            guard try await store.referral(id, of: ctx.patientID) != nil else { throw Abort(.notFound) }
            let data = bytes.map { Data($0.readableBytesView) } ?? Data()
            let type: ScannedDocumentType
            switch ScannedDocumentType.check(data) {
            case .success(let t): type = t
            case .failure(let error): throw ValidationFailure([error])
            }
            if let declared = declared.map(Self.mediaType), declared != type.rawValue {
                throw ValidationFailure([FieldError("document", "The file is a \(type.fileExtension.uppercased()), not \(declared) as it was sent.")])
            }
            return try await store.attach(data, type: type, filename: Self.displayName(filename, type: type), to: id,
                                          by: Recorder(userID: user.id, name: user.displayName), at: now)
        }
    }

    /// The scanned order's bytes, audited as a read of the referral.
    static func document(_ id: UUID, on req: Request) async throws -> (document: ScannedDocument, bytes: Data) {
        let ctx = try req.requirePatient()
        let entry = AuditEntry(.referralRead, patientID: ctx.patientID, entity: "referral:\(id.uuidString.lowercased()) document")
        return try await req.audit.read(req.auditActor, entry) { db in
            let store = ReferralStore(database: db)
            guard try await store.referral(id, of: ctx.patientID) != nil,
                  let found = try await store.document(of: id, bytes: true), let bytes = found.bytes else { throw Abort(.notFound) }
            return (found.document, bytes)
        }
    }

    /// The download: an attachment under a name of our own (the uploaded name is never echoed into a header), with the
    /// type read at upload, sandboxed. `RequestContextMiddleware` adds `nosniff` and the same-origin resource policy, as
    /// on every response.
    static func download(_ found: (document: ScannedDocument, bytes: Data), referralID: UUID) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: found.document.type.rawValue)
        headers.replaceOrAdd(name: .contentDisposition,
                             value: "attachment; filename=\"referral-order-\(referralID.uuidString.lowercased().prefix(8)).\(found.document.type.fileExtension)\"")
        headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; sandbox")
        return Response(status: .ok, headers: headers, body: .init(data: found.bytes))
    }

    /// "type/subtype" without parameters, lower-case.
    static func mediaType(_ m: HTTPMediaType) -> String { "\(m.type)/\(m.subType)".lowercased() }

    /// The uploaded name as people will read it: no folders, no control characters, at most 200 characters.
    static func displayName(_ filename: String?, type: ScannedDocumentType) -> String {
        let base = (filename ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(Text.clean(String(base.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) })).prefix(200))
        return clean.isEmpty ? "scanned order.\(type.fileExtension)" : clean
    }
}
