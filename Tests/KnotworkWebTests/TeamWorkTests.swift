import Foundation
import KnotworkCore
import KnotworkStore
import Testing
import Vapor
@testable import KnotworkWeb

/// Tasks and secure messages around the care team, through the JSON API and the pages, on SQLite and PostgreSQL.
struct TeamWorkTests {
    typealias API = AssessmentTests.API
    func base(_ p: Patient) -> String { "/api/v1/patients/\(p.id.uuidString)" }

    @Test func aTaskGoesToATeamMemberAndShowsOverdueOnTheirWorklist() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let today = CalendarDate(clinic.clock.now)
            // Off the team (ben) and in the past: field errors, nothing saved.
            let off = try await ana.json(.POST, self.base(p) + "/tasks", #"{"title":"Reassess","assigneeId":"\#(clinic.user("ben.lmt").id)"}"#, expect: .unprocessableEntity)
            #expect((off["errors"] as? [[String: Any]])?.first?["field"] as? String == "assigneeId")
            let past = try await ana.json(.POST, self.base(p) + "/tasks",
                                          #"{"title":"Reassess","assigneeId":"\#(clinic.user("pat.pt").id)","dueOn":"\#(today.adding(days: -1))"}"#, expect: .unprocessableEntity)
            #expect((past["errors"] as? [[String: Any]])?.first?["field"] as? String == "dueOn")
            #expect(try await TaskStore(database: clinic.app.db).tasks(of: p.id).isEmpty)

            let task = try await ana.json(.POST, self.base(p) + "/tasks",
                                          #"{"title":"Check cervical rotation","detail":"Before the next visit","assigneeId":"\#(clinic.user("pat.pt").id)","dueOn":"\#(today.adding(days: 2))"}"#,
                                          expect: .created)
            let id = try #require(task["id"] as? String)
            #expect(task["overdue"] as? Bool == false && task["setBy"] as? String == clinic.user("ana.lmt").displayName)
            let pat = try await API(clinic, "pat.pt")
            let mine = try await pat.json(.GET, "/api/v1/tasks", expect: .ok)
            #expect(((mine["items"] as? [[String: Any]]) ?? []).contains { $0["id"] as? String == id })
            // Three days later it is overdue on the worklist.
            clinic.clock.advance(3 * 86_400)
            let session = try await clinic.signIn("pat.pt")
            let worklist = try await clinic.tester.sendRequest(.GET, "/tasks", headers: session.headers).body.string
            #expect(worklist.contains("Check cervical rotation") && worklist.contains("overdue"))
            let listed = try await pat.json(.GET, self.base(p) + "/tasks", expect: .ok)
            #expect((listed["items"] as? [[String: Any]])?.first?["overdue"] as? Bool == true)
            _ = try await pat.json(.POST, self.base(p) + "/tasks/\(id)/complete", expect: .ok)
            _ = try await pat.json(.POST, self.base(p) + "/tasks/\(id)/complete", expect: .conflict)
            _ = try await API(clinic, "ben.lmt").json(.POST, self.base(p) + "/tasks/\(id)/complete", expect: .notFound)
        }
    }

    @Test func aMessageGoesRoundTheTeamWithReadMarks() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt"), bea = try await API(clinic, "bea.bh")
            let p = clinic.anaPatient!
            _ = try await ana.json(.POST, self.base(p) + "/messages", #"{"subject":"","body":""}"#, expect: .unprocessableEntity)
            let started = try await ana.json(.POST, self.base(p) + "/messages", #"{"subject":"Sleep since the new schedule","body":"Her sleep diary shows 5 hours; any ideas?"}"#,
                                             expect: .created)
            let id = try #require(started["id"] as? String)
            // New for bea, not for ana who wrote it.
            #expect((try await bea.json(.GET, self.base(p) + "/messages", expect: .ok)["items"] as? [[String: Any]])?.first?["unread"] as? Bool == true)
            #expect((try await ana.json(.GET, self.base(p) + "/messages", expect: .ok)["items"] as? [[String: Any]])?.first?["unread"] as? Bool == false)
            let beaSession = try await clinic.signIn("bea.bh")
            let worklist = try await clinic.tester.sendRequest(.GET, "/tasks", headers: beaSession.headers).body.string
            #expect(worklist.contains("Sleep since the new schedule"))
            clinic.clock.advance(60)
            let thread = try await bea.json(.POST, self.base(p) + "/messages/\(id)", #"{"body":"Let us try a wind-down routine; I will add a sleep goal."}"#, expect: .created)
            #expect((thread["messages"] as? [[String: Any]])?.count == 2)
            #expect((try await ana.json(.GET, self.base(p) + "/messages", expect: .ok)["items"] as? [[String: Any]])?.first?["unread"] as? Bool == true)
            let opened = try await ana.json(.GET, self.base(p) + "/messages/\(id)", expect: .ok)
            #expect(opened["unread"] as? Bool == true, "the answer says what was new when it was opened")
            #expect((try await ana.json(.GET, self.base(p) + "/messages", expect: .ok)["items"] as? [[String: Any]])?.first?["unread"] as? Bool == false)
            // A patient outside the sender's teams: not found, and nothing is written.
            _ = try await API(clinic, "ben.lmt").json(.POST, self.base(p) + "/messages", #"{"subject":"x","body":"y"}"#, expect: .notFound)
            _ = try await ana.json(.POST, self.base(clinic.benPatient) + "/messages", #"{"subject":"x","body":"y"}"#, expect: .notFound)
            _ = try await ana.json(.POST, self.base(p) + "/messages/\(UUID())", #"{"body":"y"}"#, expect: .notFound)
            // The team page lists the thread.
            let page = try await clinic.tester.sendRequest(.GET, "/patients/\(p.id.uuidString)/team", headers: beaSession.headers).body.string
            #expect(page.contains("Sleep since the new schedule"))
        }
    }
}

extension TeamWorkTests {
    @Test func aCaseConferenceIsSignedAndItsDecisionsBecomeTasks() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let (a, pt, bh, ben) = (clinic.user("ana.lmt").id, clinic.user("pat.pt").id, clinic.user("bea.bh").id, clinic.user("ben.lmt").id)
            let tomorrow = CalendarDate(clinic.clock.now).adding(days: 1)
            // One attendee only, one off the team, a task for someone off the team: field errors, nothing saved.
            let bad = try await ana.json(.POST, self.base(p) + "/case-conferences", """
                {"attendeeIds":["\(a)","\(ben)"],"discussion":"x","decisions":[{"text":"Refer","assigneeId":"\(ben)"}]}
                """, expect: .unprocessableEntity)
            let fields = Set(((bad["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["attendeeIds", "decisions[0].assigneeId"])
            #expect(try await TaskStore(database: clinic.app.db).tasks(of: p.id).isEmpty)

            let made = try await ana.json(.POST, self.base(p) + "/case-conferences", """
                {"attendeeIds":["\(a)","\(pt)","\(bh)"],"discussion":"Pain down, sleep still short; fear of movement at work.",
                 "decisions":[{"text":"Graded return to lifting at work","assigneeId":"\(pt)","dueOn":"\(tomorrow)"},
                              {"text":"Sleep hygiene sessions","assigneeId":"\(bh)"},{"text":"Keep weekly massage"},{"text":""}]}
                """, expect: .created)
            #expect(made["signatureVerified"] as? Bool == true && (made["attendees"] as? [String])?.count == 3)
            let tasks = try #require(made["tasks"] as? [[String: Any]])
            #expect(tasks.map { $0["assigneeId"] as? String } == [pt.uuidString, bh.uuidString])
            #expect(tasks.allSatisfy { $0["noteId"] as? String == made["id"] as? String })
            #expect(tasks.first?["dueOn"] as? String == tomorrow.description)
            let list = try await API(clinic, "pat.pt").json(.GET, self.base(p) + "/case-conferences", expect: .ok)
            #expect((list["items"] as? [[String: Any]])?.first?["decisions"] as? [String] == ["Graded return to lifting at work", "Sleep hygiene sessions", "Keep weekly massage"])
            let mine = try await API(clinic, "pat.pt").json(.GET, "/api/v1/tasks", expect: .ok)
            #expect(((mine["items"] as? [[String: Any]]) ?? []).contains { $0["title"] as? String == "Graded return to lifting at work" })
        }
    }
}
