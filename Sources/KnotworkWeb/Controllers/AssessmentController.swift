import Foundation
import KnotworkCore
import KnotworkStore
import Plot
import Vapor

/// The chart's assessment pages: the list, the record page with a form per section, the pain-map
/// comparison, the safety forms, the worklist.
struct AssessmentController {
    /// The sections of the record page that take a form, by the path segment they post to.
    enum Section: String, CaseIterable, Sendable {
        case intake
        case safetyScreen = "safety-screen"
        case painMap = "pain-map"
        case triggerPoints = "trigger-points"
        case rangeOfMotion = "range-of-motion"
        case measures
        case rootCause = "root-cause"

        var title: String {
            switch self {
            case .intake: "Intake"
            case .safetyScreen: "Safety screen"
            case .painMap: "Pain map"
            case .triggerPoints: "Trigger points"
            case .rangeOfMotion: "Range of motion"
            case .measures: "Outcome measures"
            case .rootCause: "Root cause and perpetuating factors"
            }
        }
    }

    /// A section's failed submission, shown again with its errors and what was typed.
    struct Failed: Sendable {
        var section: Section
        var errors: [FieldError]
        var form: FormFields
    }

    static func assessmentID(_ req: Request) throws -> UUID {
        let id = try req.pathID("assessmentID")
        return id
    }

    @Sendable func index(req: Request) async throws -> Response {
        try await self.indexPage(req, errors: [], form: nil)
    }

    func indexPage(_ req: Request, errors: [FieldError], form: FormFields?) async throws -> Response {
        let p = try req.requirePrincipal()
        let (patient, all, safety) = try await AssessmentActions.list(on: req)
        let html = Layout.page(PageContext(req, title: "Assessments · \(patient.displayName)"),
                               AssessmentViews.index(patient: patient, assessments: all, safety: safety, viewer: p.user,
                                                     today: req.today, errors: errors, form: form, csrf: p.csrfToken))
        return Layout.response(html, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        let form = FormFields(req)
        let input = AssessmentHeaderInput(kind: form["kind"], assessedOn: form["assessedOn"], summary: form["summary"])
        do {
            let header = try await AssessmentActions.create(input, on: req)
            return req.redirect(to: Paths.assessment(ctx.patientID, header.id), redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await self.indexPage(req, errors: v.errors, form: form)
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await self.recordPage(req)
    }

    func recordPage(_ req: Request) async throws -> Response {
        let p = try req.requirePrincipal()
        let data = try await AssessmentActions.record(try Self.assessmentID(req), on: req)
        let savedText = try? req.query.get(String.self, at: "saved")
        let saved = savedText.flatMap(Section.init(rawValue:))
        // A referral with no medical provider on the care team goes to every clinician on the team.
        let noProvider = savedText == "no-provider"
            ? "Safety screen saved. There is no medical provider on the care team: the referral task is on every team member's task list." : nil
        let html = Layout.page(
            PageContext(req, title: "\(data.record.header.kind.label) · \(data.patient.displayName)",
                        flash: noProvider ?? saved.map { "\($0.title) saved." }, letterhead: try await CareActions.letterhead(on: req)),
            AssessmentViews.record(data, viewer: p.user, csrf: p.csrfToken))
        return Layout.response(html)
    }

    /// A section's entry page (the pain map has a page of its own design).
    @Sendable func entry(_ section: Section, req: Request) async throws -> Response {
        if section == .painMap { return try await self.painMapPage(req, errors: [], form: nil) }
        return try await self.sectionPage(section, req, failed: nil)
    }

    func sectionPage(_ section: Section, _ req: Request, failed: Failed?) async throws -> Response {
        let p = try req.requirePrincipal()
        let extras: Set<AssessmentActions.Extra> = section == .safetyScreen ? [.rules] : section == .measures ? [.psfsActivities] : []
        let data = try await AssessmentActions.record(try Self.assessmentID(req), with: extras, on: req)
        let measure = (try? req.query.get(String.self, at: "measure")).flatMap { Instruments.named($0) }
        let html = Layout.page(PageContext(req, title: "\(section.title) · \(data.patient.displayName)"),
                               AssessmentViews.sectionPage(data, section, measure: measure, failed: failed, csrf: p.csrfToken, viewer: p.user))
        return Layout.response(html, status: failed == nil ? .ok : .unprocessableEntity)
    }

    /// One section's form: validated and saved in one audited transaction, or shown again with its errors.
    @Sendable func add(_ section: Section, req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        let id = try Self.assessmentID(req)
        let form = FormFields(req)
        do {
            switch section {
            case .intake: _ = try await AssessmentActions.addIntake(AssessmentForms.intake(form), assessmentID: id, on: req)
            case .safetyScreen:
                let outcome = try await AssessmentActions.screen(AssessmentForms.screenAnswers(form), assessmentID: id, on: req)
                if outcome.taskID != nil && outcome.providerID == nil {
                    return req.redirect(to: Paths.assessment(ctx.patientID, id) + "?saved=no-provider#safety", redirectType: .normal)
                }
            case .painMap: _ = try await AssessmentActions.addPainMap(try AssessmentForms.painMap(form), assessmentID: id, on: req)
            case .triggerPoints: _ = try await AssessmentActions.addTriggerPoint(try AssessmentForms.triggerPoint(form), assessmentID: id, on: req)
            case .rangeOfMotion: _ = try await AssessmentActions.addRangeOfMotion(try AssessmentForms.rangeOfMotion(form), assessmentID: id, on: req)
            case .measures: _ = try await AssessmentActions.addMeasure(try AssessmentForms.measure(form), assessmentID: id, on: req)
            case .rootCause: _ = try await AssessmentActions.setRootCause(AssessmentForms.rootCause(form), assessmentID: id, on: req)
            }
            return req.redirect(to: Paths.assessment(ctx.patientID, id) + "?saved=\(section.rawValue)#\(section.rawValue)", redirectType: .normal)
        } catch let v as ValidationFailure {
            switch section {
            case .painMap:
                return try await self.painMapPage(req, errors: AssessmentForms.painMapErrors(v.errors, form), form: form)
            case .rootCause:
                return try await self.sectionPage(section, req, failed: Failed(section: section, errors: AssessmentForms.rootCauseErrors(v.errors, form), form: form))
            default:
                return try await self.sectionPage(section, req, failed: Failed(section: section, errors: v.errors, form: form))
            }
        }
    }

    func painMapPage(_ req: Request, errors: [FieldError], form: FormFields?) async throws -> Response {
        let p = try req.requirePrincipal()
        let data = try await AssessmentActions.record(try Self.assessmentID(req), on: req)
        let html = Layout.page(PageContext(req, title: "Pain map · \(data.patient.displayName)", scripts: [Paths.painMapScript]),
                               AssessmentViews.painMapPage(data, viewer: p.user, errors: errors, form: form, csrf: p.csrfToken))
        return Layout.response(html, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    // MARK: pain-map comparison

    @Sendable func compare(req: Request) async throws -> Response {
        let p = try req.requirePrincipal()
        let earlier = (try? req.query.get(String.self, at: "earlier")).flatMap(UUID.init(uuidString:))
        let later = (try? req.query.get(String.self, at: "later")).flatMap(UUID.init(uuidString:))
        var errors: [FieldError] = []
        var comparison: AssessmentActions.MapComparison
        do {
            comparison = try await AssessmentActions.compareMaps(earlier: earlier, later: later, on: req)
        } catch let v as ValidationFailure {
            errors = v.errors
            comparison = try await AssessmentActions.compareMaps(earlier: nil, later: nil, on: req)
        }
        let html = Layout.page(PageContext(req, title: "Compare pain maps · \(comparison.patient.displayName)"),
                               AssessmentViews.compare(comparison, viewer: p.user, errors: errors, csrf: p.csrfToken))
        return Layout.response(html, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    // MARK: safety

    @Sendable func visitScreen(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        let form = FormFields(req)
        do {
            _ = try await AssessmentActions.screen(AssessmentForms.screenAnswers(form), assessmentID: nil, on: req)
            return req.redirect(to: Paths.patient(ctx.patientID) + "?saved=1#safety", redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await PatientController().showPage(req, screenErrors: v.errors)
        }
    }

    @Sendable func clearHold(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        let form = FormFields(req)
        do {
            _ = try await AssessmentActions.clearHold(ClearanceInput(kind: form["kind"], reason: form["reason"]), on: req)
            return req.redirect(to: Paths.patient(ctx.patientID) + "?saved=1#safety", redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await PatientController().showPage(req, holdErrors: v.errors)
        }
    }

    @Sendable func resolvePrecaution(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        let id = try req.pathID("precautionID")
        do {
            try await AssessmentActions.resolvePrecaution(id, reason: FormFields(req)["reason"], on: req)
            return req.redirect(to: Paths.patient(ctx.patientID) + "?saved=1#safety", redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await PatientController().showPage(req, holdErrors: v.errors)
        }
    }

    /// The chart (issue 4) and its printable progress report.
    @Sendable func chart(req: Request) async throws -> Response {
        let p = try req.requirePrincipal()
        let data = try await CareActions.chart(on: req)
        return Layout.response(Layout.page(PageContext(req, title: "Chart · \(data.patient.displayName)"),
                                           ChartViews.chart(data, viewer: p.user, csrf: p.csrfToken, report: false),
                                           .p(.class("entry-link"), .a(.class("button"), .id("open-report"), .href(Paths.progressReport(data.patient.id)),
                                                                      .text("Progress charts and report for the referring provider")))))
    }

    @Sendable func progressReport(req: Request) async throws -> Response {
        let p = try req.requirePrincipal()
        let data = try await CareActions.chart(on: req, withBodies: true)
        return Layout.response(Layout.page(PageContext(req, title: "Progress report · \(data.patient.displayName)",
                                                       letterhead: try await CareActions.letterhead(on: req)),
                                           ChartViews.chart(data, viewer: p.user, csrf: p.csrfToken, report: true)))
    }

    @Sendable func tasks(req: Request) async throws -> Response {
        let tasks = try await AssessmentActions.myTasks(on: req)
        let overdue = try await CareActions.overdueNotes(on: req)
        let due = try await CareActions.reEvaluationsDue(on: req)
        let runningOut = try await ReferralActions.runningOut(on: req)
        let unread = try await TeamWorkActions.unread(on: req)
        // The clinician's own standing (not patient data, so not an audited read).
        let user = try req.requirePrincipal().user
        let credentials = user.role.isClinician ? try await CredentialActions.credentials(of: user, today: req.today, on: req.db) : nil
        return Layout.response(Layout.page(PageContext(req, title: "My tasks"), CredentialViews.worklistWarnings(credentials),
                                           SafetyViews.tasks(tasks, today: req.today),
                                           TeamViews.unread(unread), SafetyViews.overdueNotes(overdue),
                                           SafetyViews.reEvaluationsDue(due), ReferralViews.runningOut(runningOut, today: req.today)))
    }
}
