import Foundation
import KnotworkCore
import KnotworkStore
import SQLKit
import Testing
import Vapor
@testable import KnotworkWeb

/// One shared plan: each team member's goals are theirs, in their discipline, whoever edits the plan later; team notes
/// are signed and locked when written, by any team member, and only by the team.
struct TeamPlanTests {
    typealias API = AssessmentTests.API
    func base(_ p: Patient) -> String { "/api/v1/patients/\(p.id.uuidString)" }

    @Test func goalsFromThreeDisciplinesKeepTheirOwners() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt"), pat = try await API(clinic, "pat.pt"), bea = try await API(clinic, "bea.bh")
            let p = clinic.anaPatient!
            let created = try await ana.json(.POST, self.base(p) + "/plans", CareAPITests.plan, expect: .created)
            let planID = try #require(created["id"] as? String)
            func goals(_ body: [String: Any]) -> [[String: Any]] { ((body["plan"] as? [String: Any])?["goals"] as? [[String: Any]]) ?? [] }
            let first = try #require(goals(created).first)
            let firstID = try #require(first["id"] as? String)
            #expect((first["owner"] as? [String: Any])?["discipline"] as? String == "massageTherapy")

            // The PT adds a functional goal to the same plan (the whole plan is sent, the first goal with its id).
            let ptGoal = #"{"description":"Sit through a work meeting","measure":{"kind":"instrument","code":"NDI"},"baseline":40,"target":20,"targetDate":"2026-11-01"}"#
            let withPT = CareAPITests.plan.replacingOccurrences(of: #""goals":[{"description""#, with: #""goals":[{"id":"\#(firstID)","description""#)
                .replacingOccurrences(of: #""targetDate":"2026-11-01"}]"#, with: #""targetDate":"2026-11-01"},\#(ptGoal)]"#)
            let revised = try await pat.json(.PUT, self.base(p) + "/plans/\(planID)", withPT, expect: .ok)
            #expect(goals(revised).map { ($0["owner"] as? [String: Any])?["discipline"] as? String } == ["massageTherapy", "physicalTherapy"])

            // Behavioral health adds self-efficacy; the earlier goals keep their owners although bea sent them.
            let ids = goals(revised).compactMap { $0["id"] as? String }
            let bhGoal = #"{"description":"Confidence to keep active despite pain","measure":{"kind":"instrument","code":"PSEQ"},"baseline":25,"target":40,"targetDate":"2026-11-01"}"#
            let three = withPT.replacingOccurrences(of: #"{"description":"Sit through"#, with: #"{"id":"\#(ids[1])","description":"Sit through"#)
                .replacingOccurrences(of: #""targetDate":"2026-11-01"}]"#, with: #""targetDate":"2026-11-01"},\#(bhGoal)]"#)
            let all = try await bea.json(.PUT, self.base(p) + "/plans/\(planID)", three, expect: .ok)
            let owners = goals(all).map { ($0["owner"] as? [String: Any])?["name"] as? String }
            #expect(owners == [clinic.user("ana.lmt").displayName, clinic.user("pat.pt").displayName, clinic.user("bea.bh").displayName])

            // The chart names each goal's team member.
            let session = try await clinic.signIn("ana.lmt")
            let chart = try await clinic.tester.sendRequest(.GET, "/patients/\(p.id.uuidString)/chart", headers: session.headers).body.string
            #expect(chart.contains("Physical therapy · \(clinic.user("pat.pt").displayName)") && chart.contains("Behavioral health · "))
        }
    }

    @Test func aTeamNoteIsSignedWhenWrittenAndOnlyTheTeamSeesIt() async throws {
        try await withClinic { clinic in
            let pat = try await API(clinic, "pat.pt")
            let p = clinic.anaPatient!
            let bad = try await pat.json(.POST, self.base(p) + "/team-notes", #"{"text":"  "}"#, expect: .unprocessableEntity)
            #expect((bad["errors"] as? [[String: Any]])?.first?["field"] as? String == "text")
            let note = try await pat.json(.POST, self.base(p) + "/team-notes", #"{"text":"Cervical rotation 60° left; home program: chin tucks."}"#, expect: .created)
            #expect(note["signatureVerified"] as? Bool == true && note["discipline"] as? String == "physicalTherapy")
            let id = try #require(note["id"] as? String)
            await #expect(throws: (any Error).self) {
                try await (clinic.app.db as! any SQLDatabase).raw("UPDATE session_notes SET body = '{}' WHERE id = \(bind: UUID(uuidString: id)!)").run()
            }
            let list = try await API(clinic, "ana.lmt").json(.GET, self.base(p) + "/team-notes", expect: .ok)
            #expect((list["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            // Off the team, or not a clinician: not found.
            _ = try await API(clinic, "ben.lmt").json(.POST, self.base(p) + "/team-notes", #"{"text":"x"}"#, expect: .notFound)
            _ = try await API(clinic, "fran.desk").json(.GET, self.base(p) + "/team-notes", expect: .notFound)
            // On the chart's timeline, linked to the team page.
            let session = try await clinic.signIn("ana.lmt")
            let chart = try await clinic.tester.sendRequest(.GET, "/patients/\(p.id.uuidString)/chart", headers: session.headers).body.string
            #expect(chart.contains("/team#note-\(id.lowercased())") && chart.contains("Team note"))
            let page = try await clinic.tester.sendRequest(.GET, "/patients/\(p.id.uuidString)/team", headers: session.headers)
            #expect(page.status == .ok && page.body.string.contains("Cervical rotation 60° left"))
        }
    }
}
