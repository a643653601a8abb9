import Foundation
import KnotworkCore
import KnotworkStore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

/// Issue 4 through the JSON API on a real database: plans with revisions and certification, notes signed and then
/// refused any change (409), addenda, progress from the recorded measures.
@Suite struct CareAPITests {
    typealias API = AssessmentTests.API

    func base(_ p: Patient) -> String { "/api/v1/patients/\(p.id.uuidString)" }

    static let plan = """
        {"problems":[{"icd10":"M54.2"}],
         "goals":[{"description":"Less pain interference","measure":{"kind":"instrument","code":"PEG"},"baseline":6,"target":3,"targetDate":"2026-11-01"}],
         "techniques":[{"technique":"myofascial-release","regions":["neck-back.left","shoulder-top.left"]}],
         "frequencyPerWeek":1,"durationWeeks":8,"start":"2026-08-01","reEvaluationDate":"2026-08-29",
         "endGoal":"Turn the head fully when driving.","dischargeCriteria":"PEG 3 or less."}
        """

    static func note(acknowledge: [String] = []) -> String {
        """
        {"idempotencyKey":"visit-2026-09-01","note":{"subjective":{"painToday":6,"text":"Stiff after work."},
         "interventions":[{"technique":"myofascial-release","regions":["neck-back.left"],"minutes":30,"pressure":"moderate"}],
         "painAfter":3,"timeIn":"2026-09-21T08:00:00Z","timeOut":"2026-09-21T09:00:00Z",
         "precautionsAcknowledged":[\(acknowledge.map { "\"\($0)\"" }.joined(separator: ","))]}}
        """
    }

    @Test func aSignedNoteRefusesEveryChangeWith409AndTakesAddenda() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let draft = try await ana.json(.POST, self.base(p) + "/notes", Self.note(), expect: .created)
            let id = try #require(draft["id"] as? String)
            #expect(draft["status"] as? String == "draft")
            // The same submit after a dropped connection creates nothing twice.
            let again = try await ana.json(.POST, self.base(p) + "/notes", Self.note(), expect: .ok)
            #expect(again["id"] as? String == id)
            // An addendum needs a signed note.
            _ = try await ana.json(.POST, self.base(p) + "/notes/\(id)/addenda", #"{"text":"x"}"#, expect: .conflict)
            let signed = try await ana.json(.POST, self.base(p) + "/notes/\(id)/sign", "{}", expect: .ok)
            #expect(signed["status"] as? String == "signed")
            #expect(signed["signatureVerified"] as? Bool == true)
            #expect((signed["signature"] as? String)?.count == 64)
            let before = try await CareStore(database: clinic.app.db).note(UUID(uuidString: id)!, of: p.id)

            // Every kind of change: edit, sign again, and a different draft under the same key.
            _ = try await ana.json(.PUT, self.base(p) + "/notes/\(id)", #"{"painAfter":1}"#, expect: .conflict)
            _ = try await ana.json(.POST, self.base(p) + "/notes/\(id)/sign", "{}", expect: .conflict)
            let resubmitted = try await ana.json(.POST, self.base(p) + "/notes", Self.note().replacingOccurrences(of: "\"painAfter\":3", with: "\"painAfter\":1"),
                                                 expect: .ok)
            #expect(resubmitted["status"] as? String == "signed")
            #expect((resubmitted["note"] as? [String: Any])?["painAfter"] as? Int == 3)
            #expect(try await CareStore(database: clinic.app.db).note(UUID(uuidString: id)!, of: p.id) == before)
            #expect(try await clinic.auditCount(.noteDraft, outcome: "failure") == 1)
            #expect(try await clinic.auditCount(.noteSign, outcome: "failure") == 1)

            let addendum = try await ana.json(.POST, self.base(p) + "/notes/\(id)/addenda", #"{"text":"Soreness gone the next day (phone call)."}"#,
                                              expect: .created)
            #expect((addendum["signature"] as? String)?.count == 64)
            let shown = try await ana.json(.GET, self.base(p) + "/notes/\(id)", expect: .ok)
            #expect((shown["addenda"] as? [Any])?.count == 1)
            // Another clinician on the team can read it but not sign someone else's draft.
            let pat = try await API(clinic, "pat.pt")
            let other = try await ana.json(.POST, self.base(p) + "/notes", Self.note().replacingOccurrences(of: "visit-2026-09-01", with: "visit-2"), expect: .created)
            _ = try await pat.json(.POST, self.base(p) + "/notes/\(other["id"] as! String)/sign", "{}", expect: .forbidden)
        }
    }

    @Test func signingNeedsEveryActivePrecautionAcknowledgedAndAHoldOverridden() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let a = try await AssessmentTests().newAssessment(ana, p)
            _ = try await ana.json(.POST, self.base(p) + "/assessments/\(a)/safety-screen",
                                   try await AssessmentTests().screen(ana, yes: ["recent-fracture": "forearm-volar.right"]), expect: .created)
            let draft = try await ana.json(.POST, self.base(p) + "/notes", Self.note(), expect: .created)
            let id = draft["id"] as! String
            let refused = try await ana.json(.POST, self.base(p) + "/notes/\(id)/sign", "{}", expect: .unprocessableEntity)
            #expect((refused["errors"] as? [[String: Any]] ?? []).contains { ($0["field"] as? String)?.hasPrefix("precautionsAcknowledged") == true })
            let fixed = try await ana.json(.PUT, self.base(p) + "/notes/\(id)",
                                           Self.note(acknowledge: ["recent-fracture"]).components(separatedBy: "\"note\":").last!.dropLast().description,
                                           expect: .ok)
            #expect(fixed["status"] as? String == "draft")
            _ = try await ana.json(.POST, self.base(p) + "/notes/\(id)/sign", "{}", expect: .ok)
        }
    }

    @Test func aPlanIsValidatedRevisedMovedAndCertifiedByTheProvider() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let old = try await ana.json(.POST, self.base(p) + "/plans", Self.plan.replacingOccurrences(of: "M54.2", with: "M54.5"), expect: .unprocessableEntity)
            #expect((old["errors"] as? [[String: Any]])?.first?["field"] as? String == "problems[0].icd10")
            let wrongSide = try await ana.json(.POST, self.base(p) + "/plans", Self.plan.replacingOccurrences(of: "\"target\":3", with: "\"target\":8"),
                                               expect: .unprocessableEntity)
            #expect((wrongSide["errors"] as? [[String: Any]] ?? []).contains { $0["field"] as? String == "goals[0].target" })
            let created = try await ana.json(.POST, self.base(p) + "/plans", Self.plan, expect: .created)
            let id = created["id"] as! String
            #expect(created["status"] as? String == "draft")
            #expect(created["plannedVisits"] as? Int == 8)
            _ = try await ana.json(.POST, self.base(p) + "/plans/\(id)/status", #"{"status":"completed"}"#, expect: .unprocessableEntity)
            let active = try await ana.json(.POST, self.base(p) + "/plans/\(id)/status", #"{"status":"active"}"#, expect: .ok)
            #expect(active["status"] as? String == "active")
            let revised = try await ana.json(.PUT, self.base(p) + "/plans/\(id)", Self.plan.replacingOccurrences(of: "\"frequencyPerWeek\":1", with: "\"frequencyPerWeek\":2"),
                                             expect: .ok)
            #expect(revised["revision"] as? Int == 3)
            #expect(revised["status"] as? String == "active")
            let shown = try await ana.json(.GET, self.base(p) + "/plans/\(id)", expect: .ok)
            #expect((shown["revisions"] as? [Any])?.count == 3)
            #expect(shown["needsCertification"] as? Bool == true)
            _ = try await ana.json(.POST, self.base(p) + "/plans/\(id)/certify", "{}", expect: .forbidden)
            let max = try await API(clinic, "max.md")
            let certified = try await max.json(.POST, self.base(p) + "/plans/\(id)/certify", "{}", expect: .ok)
            #expect((certified["certification"] as? [String: Any])?["providerName"] != nil)
            #expect(certified["needsCertification"] as? Bool == false)
            #expect(try await clinic.auditCount(.planCertify, outcome: "success") == 1)
        }
    }

    /// A goal sent without a baseline takes the assessment's value: the latest on or before the plan's start.
    @Test func aGoalWithoutABaselineTakesTheAssessmentsValue() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            for (date, pain) in [("2026-07-20", 8), ("2026-07-28", 7), ("2026-08-05", 2)] {   // the last is after the start
                let a = try await AssessmentTests().newAssessment(ana, p, kind: "reEvaluation", on: date)
                _ = try await ana.json(.POST, self.base(p) + "/assessments/\(a)/measures",
                                       #"{"instrument":"PEG","items":{"pain":\#(pain),"enjoyment":6,"activity":7}}"#, expect: .created)
            }
            let noBaseline = Self.plan.replacingOccurrences(of: #""baseline":6,"#, with: "")
            let plan = try await ana.json(.POST, self.base(p) + "/plans", noBaseline, expect: .created)
            let goal = ((plan["plan"] as? [String: Any])?["goals"] as? [[String: Any]])?.first
            #expect(goal?["baseline"] as? Double == 6.666666666666667 || (goal?["baseline"] as? Double).map { abs($0 - 20.0 / 3) < 1e-9 } == true)
            #expect(goal?["baselineRecordedOn"] as? String == "2026-07-28")
            // Nothing recorded for NDI: the baseline is asked for, on the goal's field, and nothing is written.
            let ndi = noBaseline.replacingOccurrences(of: #""code":"PEG""#, with: #""code":"NDI""#).replacingOccurrences(of: #""target":3"#, with: #""target":10"#)
            let problem = try await ana.json(.POST, self.base(p) + "/plans", ndi, expect: .unprocessableEntity)
            let errors = (problem["errors"] as? [[String: Any]]) ?? []
            #expect(errors.contains { $0["field"] as? String == "goals[0].baseline" && ($0["message"] as? String)?.contains("record it in the assessment") == true },
                    "\(errors)")
            #expect(try await CareStore(database: clinic.app.db).plans(of: p.id).count == 1)
        }
    }

    @Test func progressComesFromTheRecordedMeasures() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let plan = try await ana.json(.POST, self.base(p) + "/plans", Self.plan, expect: .created)
            for (date, items) in [("2026-08-15", (5, 5, 5)), ("2026-08-29", (4, 4, 4)), ("2026-09-12", (3, 2, 3))] {
                let a = try await AssessmentTests().newAssessment(ana, p, kind: "reEvaluation", on: date)
                _ = try await ana.json(.POST, self.base(p) + "/assessments/\(a)/measures",
                                       #"{"instrument":"PEG","items":{"pain":\#(items.0),"enjoyment":\#(items.1),"activity":\#(items.2)}}"#, expect: .created)
            }
            let progress = try await ana.json(.GET, self.base(p) + "/plans/\(plan["id"] as! String)/progress", expect: .ok)
            let goal = (progress["goals"] as? [[String: Any]])?.first
            let evaluation = goal?["evaluation"] as? [String: Any]
            #expect((evaluation?["points"] as? [Any])?.count == 3)
            #expect(evaluation?["status"] as? String == "met")            // PEG 2.67 ≤ target 3
            #expect(evaluation?["targetReached"] as? Bool == true)

            // The chart page shows the goal's status and trend line, and the timeline; the progress report has each goal's
            // chart with its text equivalent, without the forms and the timeline.
            let chart = try await clinic.tester.sendRequest(.GET, "/patients/\(p.id)/chart", headers: ana.headers)
            #expect(chart.status == .ok)
            let html = chart.body.string
            #expect(html.contains("class=\"goal-status\">met<"))
            #expect(html.contains("goal met: consider discharge or maintenance"))
            #expect(!html.contains("id=\"goal-0-table\""))
            #expect(html.contains("id=\"progress-charts\""))
            #expect(html.contains("class=\"sparkline\""))
            #expect(html.contains("Plan revision 1"))
            let report = try await clinic.tester.sendRequest(.GET, "/patients/\(p.id)/progress-report", headers: ana.headers)
            #expect(report.status == .ok)
            #expect(report.body.string.contains("id=\"goal-0-table\""))
            #expect(report.body.string.contains("class=\"pc-chart pc-goal\""))
            #expect(!report.body.string.contains("<form id=\"clear-hold-form\""))
            #expect(!report.body.string.contains("id=\"timeline\""))
        }
    }

    @Test func theTabletNoteFormSavesADraftSignsItOnceAndTakesAddenda() async throws {
        try await withClinic { clinic in
            let p = clinic.anaPatient!
            let s = try await clinic.signIn("ana.lmt")
            let t = try clinic.tester
            let form = try await t.sendRequest(.GET, "/patients/\(p.id)/notes/new", headers: s.headers)
            #expect(form.status == .ok)
            #expect(form.body.string.contains("id=\"note-form\""))
            let fields: [(String, String)] = [
                ("idempotencyKey", "tablet-1"), ("painToday", "6"), ("changesSinceLast", "better"),
                ("timeIn", "2026-09-21T08:00"), ("timeOut", "2026-09-21T09:00"),
                ("interventions[0][technique]", "myofascial-release"), ("interventions[0][regions]", "neck-back.left"),
                ("interventions[0][regions]", "shoulder-top.left"), ("interventions[0][minutes]", "40"), ("interventions[0][pressure]", "moderate"),
                ("triggerPoints[0][muscle]", "upper-trapezius"), ("triggerPoints[0][side]", "left"), ("triggerPoints[0][before]", "3"),
                ("triggerPoints[0][after]", "1"), ("painAfter", "3"), ("homeCare", "Chin tucks hourly"), ("intent", "sign"),
            ]
            let (h, b) = s.form(fields)
            let signed = try await t.sendRequest(.POST, "/patients/\(p.id)/notes", headers: h, body: b)
            #expect(signed.status == .seeOther)
            let page = try #require(signed.headers.first(name: .location))
            let shown = try await t.sendRequest(.GET, page, headers: s.headers)
            #expect(shown.body.string.contains("verified."))
            #expect(shown.body.string.contains("6 before, 3 after"))
            // The same submit again (a dropped connection) leads to the same note and creates nothing.
            let (h2, b2) = s.form(fields)
            let again = try await t.sendRequest(.POST, "/patients/\(p.id)/notes", headers: h2, body: b2)
            #expect(again.headers.first(name: .location) == page)
            #expect(try await CareStore(database: clinic.app.db).notes(of: p.id).count == 1)
            let (ah, ab) = s.form([("text", "Called next day: no soreness.")])
            #expect(try await t.sendRequest(.POST, page + "/addenda", headers: ah, body: ab).status == .seeOther)
            #expect(try await t.sendRequest(.GET, page, headers: s.headers).body.string.contains("no soreness"))
            // The chart's timeline links the note; the new-note form copies its treatment forward.
            #expect(try await t.sendRequest(.GET, "/patients/\(p.id)/chart", headers: s.headers).body.string.contains(page))
            let next = try await t.sendRequest(.GET, "/patients/\(p.id)/notes/new", headers: s.headers)
            #expect(next.body.string.contains("Copied forward from the last signed note"))
        }
    }

    @Test func thePlanFormCreatesADraftThenRevisionsStatusAndCertification() async throws {
        try await withClinic { clinic in
            let p = clinic.anaPatient!
            let s = try await clinic.signIn("ana.lmt")
            let t = try clinic.tester
            #expect(try await t.sendRequest(.GET, "/patients/\(p.id)/plans/new", headers: s.headers).body.string.contains("id=\"plan-form\""))
            var fields: [(String, String)] = [
                ("problems[0][icd10]", "M54.5"), ("goals[0][description]", "Less pain interference"), ("goals[0][measure]", "instrument:PEG"),
                ("goals[0][baseline]", "6"), ("goals[0][target]", "3"), ("goals[0][targetDate]", "2026-11-01"),
                ("goals[1][description]", "Reach the top shelf"), ("goals[1][measure]", "rom:shoulder/flexion/left"),
                ("goals[1][baseline]", "120"), ("goals[1][target]", "170"), ("goals[1][targetDate]", "2026-11-01"),
                ("techniques[0][technique]", "myofascial-release"), ("techniques[0][regions]", "neck-back.left"),
                ("frequencyPerWeek", "1"), ("durationWeeks", "8"), ("start", "2026-09-01"), ("reEvaluationDate", "2026-09-29"),
                ("endGoal", "Drive without neck pain."), ("dischargeCriteria", "PEG 3 or less."),
                ("homeCare[0][factor]", "workstation"), ("homeCare[0][instruction]", "Raise the monitor."),
            ]
            let (bh, bb) = s.form(fields)
            let bad = try await t.sendRequest(.POST, "/patients/\(p.id)/plans", headers: bh, body: bb)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("M54.5 is not valid for dates of service from 2021-10-01"))
            fields[0] = ("problems[0][icd10]", "M54.2")
            let (h, b) = s.form(fields)
            let created = try await t.sendRequest(.POST, "/patients/\(p.id)/plans", headers: h, body: b)
            #expect(created.status == .seeOther)
            let page = String(try #require(created.headers.first(name: .location)).split(separator: "?")[0])
            let (sh, sb) = s.form([("status", "active")])
            #expect(try await t.sendRequest(.POST, page + "/status", headers: sh, body: sb).status == .seeOther)
            let shown = try await t.sendRequest(.GET, page, headers: s.headers).body.string
            #expect(shown.contains("id=\"plan-status\">Active<"))
            #expect(shown.contains("Reach the top shelf"))
            let max = try await clinic.signIn("max.md")
            let (ch, cb) = max.form([])
            #expect(try await t.sendRequest(.POST, page + "/certify", headers: ch, body: cb).status == .seeOther)
            #expect(try await t.sendRequest(.GET, page, headers: s.headers).body.string.contains("Signed by Max.Md"))
        }
    }

    @Test func theDischargeSummaryIsDraftedFromTheDataSignedAndClosesThePlan() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let plan = try await ana.json(.POST, self.base(p) + "/plans", Self.plan, expect: .created)
            _ = try await ana.json(.POST, self.base(p) + "/plans/\(plan["id"] as! String)/status", #"{"status":"active"}"#, expect: .ok)
            let a = try await AssessmentTests().newAssessment(ana, p, kind: "reEvaluation", on: "2026-09-10")
            _ = try await ana.json(.POST, self.base(p) + "/assessments/\(a)/measures", #"{"instrument":"PEG","items":{"pain":2,"enjoyment":2,"activity":3}}"#,
                                   expect: .created)
            let s = try await clinic.signIn("ana.lmt")
            let t = try clinic.tester
            #expect(try await t.sendRequest(.GET, "/patients/\(p.id)/discharge", headers: s.headers).body.string.contains("id=\"discharge-draft\""))
            let (dh, db) = s.form([])
            #expect(try await t.sendRequest(.POST, "/patients/\(p.id)/discharge/draft", headers: dh, body: db).status == .seeOther)
            let page = try await t.sendRequest(.GET, "/patients/\(p.id)/discharge", headers: s.headers).body.string
            #expect(page.contains("id=\"discharge-goals\""))
            #expect(page.contains(">2.33<"))                                     // the PEG's final value
            let note = try #require(try await CareStore(database: clinic.app.db).notes(of: p.id).first { $0.kind == "discharge" })
            let (eh, eb) = s.form([("noteId", note.id.uuidString), ("reason", "goalsMet"), ("summary", "")])
            #expect(try await t.sendRequest(.POST, "/patients/\(p.id)/discharge", headers: eh, body: eb).status == .unprocessableEntity)
            let (sh, sb) = s.form([("noteId", note.id.uuidString), ("reason", "goalsMet"), ("summary", "Goal met; home program continues.")])
            #expect(try await t.sendRequest(.POST, "/patients/\(p.id)/discharge", headers: sh, body: sb).status == .seeOther)
            #expect(try await t.sendRequest(.GET, "/patients/\(p.id)/discharge", headers: s.headers).body.string.contains("verified."))
            let closed = try await ana.json(.GET, self.base(p) + "/plans/\(plan["id"] as! String)", expect: .ok)
            #expect(closed["status"] as? String == "completed")
            // The signed summary is locked like any note.
            _ = try await ana.json(.PUT, self.base(p) + "/notes/\(note.id.uuidString)", "{}", expect: .conflict)
        }
    }
}
