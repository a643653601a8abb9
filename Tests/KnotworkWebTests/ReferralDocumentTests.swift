import Foundation
import KnotworkCore
import KnotworkStore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

/// The referral's scanned order on SQLite and PostgreSQL: its type read from its bytes (a script named .pdf is refused),
/// at most 10 MB, kept in the database, sent back only as a sandboxed same-origin download, through care-team access.
struct ReferralDocumentTests {
    typealias API = AssessmentTests.API

    /// A minimal PDF (the magic number and an end-of-file marker are what the check reads).
    static let pdf = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]) + Data("IHDR".utf8)

    func path(_ p: Patient, _ r: StoredReferral, api: Bool = true) -> String {
        (api ? "/api/v1" : "") + "/patients/\(p.id.uuidString)/referrals/\(r.id.uuidString)/document"
    }

    func put(_ clinic: Clinic, _ user: String, _ path: String, _ bytes: Data, type: String) async throws -> TestingHTTPResponse {
        var h = clinic.bearer(try await clinic.token(user))
        h.replaceOrAdd(name: .contentType, value: type)
        return try await clinic.tester.sendRequest(.PUT, path, headers: h, body: ByteBuffer(data: bytes))
    }

    func documentCount(_ clinic: Clinic) async throws -> Int {
        let row = try await (clinic.app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM referral_documents").first()
        return try row!.decode(column: "n", as: Int.self)
    }

    @Test func aPDFIsAttachedReadBackAsADownloadAndReplaced() async throws {
        try await withClinic { clinic in
            let p = clinic.anaPatient!
            let r = try await clinic.addReferral(p)
            let res = try await self.put(clinic, "ana.lmt", self.path(p, r) + "?filename=..%2Fscans%2Forder%20from%20Dr%20Vale.pdf", Self.pdf, type: "application/pdf")
            #expect(res.status == .ok, "\(res.body.string)")
            let body = try JSONSerialization.jsonObject(with: Data(res.body.string.utf8)) as? [String: Any] ?? [:]
            #expect(body["contentType"] as? String == "application/pdf" && body["size"] as? Int == Self.pdf.count)
            #expect(body["filename"] as? String == "order from Dr Vale.pdf" && body["sha256"] as? String == Digest.sha256Hex(Self.pdf))

            var h = clinic.bearer(try await clinic.token("ana.lmt"))
            let got = try await clinic.tester.sendRequest(.GET, self.path(p, r), headers: h)
            #expect(got.status == .ok && Data(got.body.readableBytesView) == Self.pdf)
            #expect(got.headers.first(name: .contentType) == "application/pdf")
            #expect(got.headers.first(name: .contentDisposition) == "attachment; filename=\"referral-order-\(r.id.uuidString.lowercased().prefix(8)).pdf\"")
            #expect(got.headers.first(name: "Content-Security-Policy") == "default-src 'none'; sandbox")
            #expect(got.headers.first(name: "X-Content-Type-Options") == "nosniff" && got.headers.first(name: "Cross-Origin-Resource-Policy") == "same-origin")
            #expect(got.headers.first(name: .cacheControl) == "no-store")

            let shown = try await API(clinic, "ana.lmt").json(.GET, "/api/v1/patients/\(p.id.uuidString)/referrals/\(r.id.uuidString)", expect: .ok)
            #expect((shown["document"] as? [String: Any])?["filename"] as? String == "order from Dr Vale.pdf")

            // Replacing keeps one document, the new one.
            #expect(try await self.put(clinic, "ana.lmt", self.path(p, r), Self.png, type: "image/png").status == .ok)
            #expect(try await self.documentCount(clinic) == 1)
            h = clinic.bearer(try await clinic.token("ana.lmt"))
            #expect(try await clinic.tester.sendRequest(.GET, self.path(p, r), headers: h).headers.first(name: .contentType) == "image/png")

            // Off the team, or the front desk: not found, for the upload and the download.
            for user in ["ben.lmt", "fran.desk"] {
                #expect(try await self.put(clinic, user, self.path(p, r), Self.pdf, type: "application/pdf").status == .notFound)
                #expect(try await clinic.tester.sendRequest(.GET, self.path(p, r), headers: clinic.bearer(try await clinic.token(user))).status == .notFound)
            }
            let audit = try await (clinic.app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'referral.update' AND outcome = 'success' AND entity LIKE '% document'").first()
            #expect(try audit!.decode(column: "n", as: Int.self) == 2)
        }
    }

    @Test(arguments: [
        ("a script named .pdf", Data("#!/bin/sh\nrm -rf /\n".utf8), "application/pdf", 422, "not a PDF, PNG or JPEG"),
        ("HTML sent as a PDF", Data("<html><script>alert(1)</script></html>".utf8), "application/pdf", 422, "not a PDF, PNG or JPEG"),
        ("an empty file", Data(), "application/pdf", 422, "empty"),
        ("a PNG sent as a PDF", ReferralDocumentTests.png, "application/pdf", 422, "is a PNG"),
        ("a text type", Data("hello".utf8), "text/plain", 415, "Send the file as"),
        ("just over 10 MB", Data("%PDF-".utf8) + Data(count: 10 * 1024 * 1024), "application/pdf", 422, "larger than 10 MB"),
        ("far over 10 MB", Data("%PDF-".utf8) + Data(count: 11 * 1024 * 1024), "application/pdf", 413, "too large"),
    ] as [(String, Data, String, Int, String)])
    func aBadFileIsRefusedAndNothingIsSaved(_ name: String, _ bytes: Data, _ type: String, _ status: Int, _ message: String) async throws {
        try await withClinic { clinic in
            let p = clinic.anaPatient!
            let r = try await clinic.addReferral(p)
            let res = try await self.put(clinic, "ana.lmt", self.path(p, r), bytes, type: type)
            #expect(res.status.code == UInt(status), "\(name): \(res.status) \(res.body.string.prefix(300))")
            #expect(res.body.string.contains(message), "\(name): \(res.body.string.prefix(300))")
            if status == 422 { #expect(res.body.string.contains(#""field":"document""#), "\(name)") }
            #expect(try await self.documentCount(clinic) == 0, "\(name)")
        }
    }

    /// The referral page's multipart form, with the CSRF token in the form; without it, refused.
    @Test func thePageAttachesAFileFromAMultipartForm() async throws {
        try await withClinic { clinic in
            let p = clinic.anaPatient!
            let r = try await clinic.addReferral(p)
            let session = try await clinic.signIn("ana.lmt")
            let page = try await clinic.tester.sendRequest(.GET, "/patients/\(p.id.uuidString)/referrals/\(r.id.uuidString)", headers: session.headers)
            #expect(page.body.string.contains(#"enctype="multipart/form-data""#) && page.body.string.contains("No scanned order is attached."))

            func multipart(_ bytes: Data, filename: String, csrf: String?) -> (HTTPHeaders, ByteBuffer) {
                let boundary = "knotwork-test-boundary"
                var body = Data()
                if let csrf { body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf)\r\n".utf8) }
                body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"document\"; filename=\"\(filename)\"\r\nContent-Type: application/pdf\r\n\r\n".utf8)
                body += bytes + Data("\r\n--\(boundary)--\r\n".utf8)
                var h = session.headers
                h.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
                return (h, ByteBuffer(data: body))
            }
            var (h, b) = multipart(Self.pdf, filename: "order.pdf", csrf: nil)
            #expect(try await clinic.tester.sendRequest(.POST, self.path(p, r, api: false), headers: h, body: b).status == .forbidden)
            (h, b) = multipart(Data("<script>alert(1)</script>".utf8), filename: "order.pdf", csrf: session.csrf)
            let bad = try await clinic.tester.sendRequest(.POST, self.path(p, r, api: false), headers: h, body: b)
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("its content was checked, not its name"))
            #expect(try await self.documentCount(clinic) == 0)
            (h, b) = multipart(Self.pdf, filename: "order.pdf", csrf: session.csrf)
            let ok = try await clinic.tester.sendRequest(.POST, self.path(p, r, api: false), headers: h, body: b)
            #expect(ok.status == .seeOther, "\(ok.status) \(ok.body.string.prefix(300))")
            let after = try await clinic.tester.sendRequest(.GET, "/patients/\(p.id.uuidString)/referrals/\(r.id.uuidString)", headers: session.headers)
            #expect(after.body.string.contains("Download order.pdf"))
            let got = try await clinic.tester.sendRequest(.GET, self.path(p, r, api: false), headers: session.headers)
            #expect(got.status == .ok && Data(got.body.readableBytesView) == Self.pdf && got.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
        }
    }
}
