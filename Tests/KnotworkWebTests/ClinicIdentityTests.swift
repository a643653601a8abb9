import Foundation
import KnotworkCore
import KnotworkStore
import Testing
import Vapor
@testable import KnotworkWeb

/// The clinic's identity on the letterhead of printed documents, and the signer's details under a signed note, as
/// they were when it was signed.
struct ClinicIdentityPageTests {
    typealias API = AssessmentTests.API
    func base(_ p: Patient) -> String { "/api/v1/patients/\(p.id.uuidString)" }

    @Test func theLetterheadAndTheSignatureBlockReachTheSignedNote() async throws {
        try await withClinic { clinic in
            let admin = try await API(clinic, "admin")
            let versions = try await ClinicSettingsStore(database: clinic.app.db).currentVersion()?.number
            let bad = try await admin.json(.PUT, "/api/v1/clinic-settings", #"{"identity":{"legalName":"Lakeshore Medical Massage LLC","npi":"1234567890","state":"ZZ"}}"#,
                                           expect: .unprocessableEntity)
            #expect(Set(((bad["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }) == ["identity.npi", "identity.state"])
            #expect(try await ClinicSettingsStore(database: clinic.app.db).currentVersion()?.number == versions, "nothing saved")
            let saved = try await admin.json(.PUT, "/api/v1/clinic-settings", """
                {"identity":{"legalName":"Lakeshore Medical Massage LLC","addressLine1":"200 W Example St","city":"Chicago","state":"IL",
                 "postalCode":"60601","phone":"312-555-0100","npi":"1234567893","taxID":"12-3456789"}}
                """, expect: .ok)
            #expect((saved["identity"] as? [String: Any])?["npi"] as? String == "1234567893")

            let ana = try await API(clinic, "ana.lmt")
            let refused = try await ana.json(.PUT, "/api/v1/me/profile", #"{"credentials":"LMT","npi":"1234567890"}"#, expect: .unprocessableEntity)
            #expect((refused["errors"] as? [[String: Any]])?.first?["field"] as? String == "npi")
            let profile = try await ana.json(.PUT, "/api/v1/me/profile", #"{"credentials":"LMT, BCTMB","npi":"1234567893","signatureBlock":"IL LMT 227.000001"}"#, expect: .ok)
            #expect(profile["signatureLines"] as? [String] == ["Ana.Lmt, LMT, BCTMB", "NPI 1234567893", "IL LMT 227.000001"])
            #expect(try await clinic.lastAudit().action == AuditAction.profileUpdate.rawValue)
            _ = try await API(clinic, "fran.desk").json(.GET, "/api/v1/me/profile", expect: .notFound)

            let p = clinic.anaPatient!
            // With the clinic's state on record, signing needs Ana's Illinois license.
            try await clinic.addLicense("ana.lmt")
            let draft = try await ana.json(.POST, self.base(p) + "/notes", CareAPITests.note(), expect: .created)
            let id = try #require(draft["id"] as? String)
            _ = try await ana.json(.POST, self.base(p) + "/notes/\(id)/sign", "{}", expect: .ok)
            // A later change of the profile does not change what the signed note shows.
            clinic.clock.advance(60)
            _ = try await ana.json(.PUT, "/api/v1/me/profile", #"{"credentials":"LMT","npi":"1234567893","signatureBlock":"A new line"}"#, expect: .ok)

            let session = try await clinic.signIn("ana.lmt")
            let page = try await clinic.tester.sendRequest(.GET, "/patients/\(p.id.uuidString)/notes/\(id)", headers: session.headers)
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains(#"id="letterhead""#) && html.contains("Lakeshore Medical Massage LLC") && html.contains("Chicago, IL 60601"))
            #expect(html.contains("NPI 1234567893") && !html.contains("12-3456789"), "the tax id is for claims, not the letterhead")
            #expect(html.contains("Ana.Lmt, LMT, BCTMB") && html.contains("IL LMT 227.000001") && !html.contains("A new line"))
            // The account page offers the form with the details in force.
            let account = try await clinic.tester.sendRequest(.GET, "/account", headers: session.headers)
            #expect(account.body.string.contains(#"id="profile-form""#) && account.body.string.contains("A new line"))
        }
    }
}
