import Foundation
import KnotworkCore
import KnotworkStore
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

/// Note templates (issue 4) on a real database: only the reusable part of a note is kept, a template is its owner's
/// unless shared, only the owner retires it, and a new note starts from it.
@Suite struct NoteTemplateTests {
    typealias API = AssessmentTests.API

    static let template = """
        {"name":"Neck and shoulder, desk worker","note":{"subjective":{"painToday":7,"text":"Bad week."},
         "objective":{"text":"Taut band, left upper trapezius."},"assessment":{"text":"Responding."},"plan":{"text":"Weekly.","nextVisit":"2026-09-08"},
         "interventions":[{"technique":"myofascial-release","regions":["neck-back.left"],"minutes":25,"pressure":"moderate","response":"Relaxed"}],
         "triggerPointsTreated":[{"muscle":"upper-trapezius","side":"left","tendernessBefore":3,"tendernessAfter":1}],
         "painAfter":3,"homeCare":["Chin tucks every hour"],"timeIn":"2026-09-01T08:00:00Z","timeOut":"2026-09-01T09:00:00Z",
         "precautionsAcknowledged":["dvt"],"holdOverrideReason":"x"}}
        """

    @Test func aTemplateKeepsOnlyTheReusablePartAndIsItsOwners() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let ben = try await API(clinic, "ben.lmt")
            let created = try await ana.json(.POST, "/api/v1/note-templates", Self.template, expect: .created)
            let id = try #require(created["id"] as? String)
            let body = try #require(created["body"] as? [String: Any])
            #expect(body["subjective"] == nil && body["painAfter"] == nil && body["timeIn"] == nil && body["timeOut"] == nil)
            #expect(body["precautionsAcknowledged"] == nil && body["holdOverrideReason"] == nil)
            #expect((body["plan"] as? [String: Any])?["nextVisit"] == nil)
            let intervention = (body["interventions"] as? [[String: Any]])?.first
            #expect(intervention?["technique"] as? String == "myofascial-release" && intervention?["response"] == nil)
            #expect((body["triggerPointsTreated"] as? [[String: Any]])?.first?["tendernessBefore"] == nil)
            #expect(try await clinic.auditCount(.noteTemplateCreate, outcome: "success") == 1)

            // Not shared: Ben does not see it and cannot retire it; a shared one he sees.
            #expect(((try await ben.json(.GET, "/api/v1/note-templates", expect: .ok))["items"] as? [Any])?.isEmpty == true)
            _ = try await ben.json(.POST, "/api/v1/note-templates/\(id)/retire", expect: .notFound)
            _ = try await ana.json(.POST, "/api/v1/note-templates", Self.template.replacingOccurrences(of: #""name":"Neck"#, with: #""shared":true,"name":"Shared neck"#),
                                   expect: .created)
            let seen = try await ben.json(.GET, "/api/v1/note-templates", expect: .ok)
            #expect((seen["items"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Shared neck and shoulder, desk worker"])
            // The front desk has no templates at all.
            _ = try await API(clinic, "fran.desk").json(.GET, "/api/v1/note-templates", expect: .notFound)

            // The owner retires it; it is no longer offered.
            let retire = try await clinic.tester.sendRequest(.POST, "/api/v1/note-templates/\(id)/retire", headers: ana.headers)
            #expect(retire.status == .noContent)
            let left = try await ana.json(.GET, "/api/v1/note-templates", expect: .ok)
            #expect((left["items"] as? [[String: Any]])?.contains { $0["id"] as? String == id } == false)
        }
    }

    @Test(arguments: [
        (#"{"name":"Empty","note":{"subjective":{"painToday":5}}}"#, "note"),
        (#"{"name":"","note":{"homeCare":["Walk"]}}"#, "name"),
        (#"{"name":"Cupping","note":{"interventions":[{"technique":"cupping"}]}}"#, "note.interventions[0].technique"),
    ])
    func badTemplatesAreRefusedAndWriteNothing(body: String, field: String) async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let problem = try await ana.json(.POST, "/api/v1/note-templates", body, expect: .unprocessableEntity)
            #expect(((problem["errors"] as? [[String: Any]]) ?? []).contains { $0["field"] as? String == field })
            #expect(try await NoteTemplateStore(database: clinic.app.db).templates(for: clinic.user("ana.lmt").id).isEmpty)
        }
    }

    @Test func aNewNoteStartsFromATemplateAndTheNoteFormSavesOne() async throws {
        try await withClinic { clinic in
            let p = clinic.anaPatient!
            let s = try await clinic.signIn("ana.lmt")
            let t = try clinic.tester
            let (h, b) = s.form([("idempotencyKey", "tmpl-1"), ("subjective[painToday]", "6"),
                                 ("interventions[0][technique]", "stretching"), ("interventions[0][regions]", "lowback.left"),
                                 ("interventions[0][minutes]", "20"), ("interventions[0][pressure]", "light"),
                                 ("homeCare", "Knee-to-chest stretch"), ("intent", "template"), ("templateName", "Low back, gentle")])
            let saved = try await t.sendRequest(.POST, "/patients/\(p.id)/notes", headers: h, body: b)
            #expect(saved.status == .seeOther)
            let templates = try await NoteTemplateStore(database: clinic.app.db).templates(for: clinic.user("ana.lmt").id)
            let template = try #require(templates.first)
            #expect(template.name == "Low back, gentle" && template.body.interventions?.first?.technique == "stretching")
            #expect(template.body.subjective == nil)
            // The draft itself was saved too, unsigned.
            #expect(try await CareStore(database: clinic.app.db).notes(of: p.id).first?.isSigned == false)

            let page = try await t.sendRequest(.GET, "/patients/\(p.id)/notes/new?template=\(template.id)", headers: s.headers)
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("id=\"template-started\""))
            #expect(html.contains("Knee-to-chest stretch"))
            // Another clinician's unshared template is not found.
            let other = try await clinic.signIn("ben.lmt")
            let bp = clinic.benPatient!
            let refused = try await t.sendRequest(.GET, "/patients/\(bp.id)/notes/new?template=\(template.id)", headers: other.headers)
            #expect(refused.status == .notFound)
        }
    }
}
