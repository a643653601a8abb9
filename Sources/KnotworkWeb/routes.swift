import Fluent
import KnotworkCore
import Vapor

/// Every route with its access rule, in one table. `AccessMiddleware` refuses any route without a
/// rule, and `RouteAccessTests` fails when one is added without one.
func routes(_ app: Application) throws {
    let registrars = AccessPolicy.registrarRoles
    let teamManagers = AccessPolicy.teamManagerRoles
    let breakGlassRoles = Set(Role.allCases.filter(\.mayBreakGlass))

    // Operations and static assets
    app.get("healthz", use: Operations.health).require(.open)
    app.get("readyz", use: Operations.ready).require(.open)
    app.get("metrics", use: Operations.metrics).require(.open)
    app.get("static", ":file", use: StaticAssets.serve).require(.open)
    app.get(use: { _ in Response(status: .seeOther, headers: ["Location": Paths.home]) }).require(.open)

    // Sign-in
    let auth = AuthController()
    app.get("signin", use: auth.form).require(.open)
    app.post("signin", use: auth.signIn).require(.open)
    app.post("signout", use: auth.signOut).require(.signedIn)

    // Patients (HTML)
    let patients = PatientController()
    app.get("patients", use: patients.index).require(.signedIn)
    app.get("patients", "new", use: patients.new).require(.roles(registrars))
    app.post("patients", use: patients.create).require(.roles(registrars))
    app.get("patients", ":patientID", use: patients.show).require(.patient(.demographics))
    app.get("patients", ":patientID", "edit", use: patients.edit).require(.patient(.demographics))
    app.post("patients", ":patientID", use: patients.update).require(.patient(.demographics))
    app.post("patients", ":patientID", "care-team", use: patients.updateCareTeam).require(.patientWithRoles(.demographics, teamManagers))
    app.post("patients", ":patientID", "deactivate", use: patients.deactivate).require(.patientWithRoles(.demographics, teamManagers))
    app.post("patients", ":patientID", "reactivate", use: patients.reactivate).require(.patientWithRoles(.demographics, teamManagers))
    app.post("break-glass", use: patients.breakGlass).require(.roles(breakGlassRoles))


    // The signed-in user's own account
    let account = AccountController()
    app.get("account", use: account.show).require(.signedIn)
    app.post("account", "password", use: account.changePassword).require(.signedIn)
    app.post("account", "tokens", use: account.createToken).require(.signedIn)
    app.post("account", "tokens", ":tokenID", "revoke", use: account.revokeToken).require(.signedIn)

    // Administration
    let admin = AdminController()
    app.get("admin", "users", use: admin.users).require(.roles([.admin]))
    app.post("admin", "users", use: admin.createUser).require(.roles([.admin]))
    app.post("admin", "users", ":userID", use: admin.updateUser).require(.roles([.admin]))
    app.post("admin", "users", ":userID", "password", use: admin.resetPassword).require(.roles([.admin]))
    app.get("admin", "audit", use: admin.audit).require(.roles([.admin]))
    app.get("admin", "audit.csv", use: admin.auditCSV).require(.roles([.admin]))
    app.get("admin", "audit", "verify", use: admin.verify).require(.roles([.admin]))

    // Assessment (HTML): the chart's clinical pages need clinical access (care team or break-glass).
    let assessments = AssessmentController()
    let chart = app.grouped("patients", ":patientID")
    chart.get("assessments", use: assessments.index).require(.patient(.clinical))
    chart.post("assessments", use: assessments.create).require(.patient(.clinical))
    chart.get("assessments", ":assessmentID", use: assessments.show).require(.patient(.clinical))
    for section in AssessmentController.Section.allCases {
        chart.get("assessments", ":assessmentID", .constant(section.rawValue), use: { try await assessments.entry(section, req: $0) })
            .require(.patient(.clinical))
        chart.post("assessments", ":assessmentID", .constant(section.rawValue), use: { try await assessments.add(section, req: $0) })
            .require(.patient(.clinical))
    }
    chart.get("pain-maps", "compare", use: assessments.compare).require(.patient(.clinical))
    chart.get("chart", use: assessments.chart).require(.patient(.clinical))
    chart.get("progress-report", use: assessments.progressReport).require(.patient(.clinical))
    chart.post("safety", "screen", use: assessments.visitScreen).require(.patient(.clinical))
    chart.post("safety", "hold", "clear", use: assessments.clearHold).require(.patient(.clinical))
    chart.post("safety", "precautions", ":precautionID", "resolve", use: assessments.resolvePrecaution).require(.patient(.clinical))
    app.get("tasks", use: assessments.tasks).require(.signedIn)
    app.get("admin", "safety-rules", use: admin.safetyRules).require(.roles([.admin]))
    app.post("admin", "safety-rules", use: admin.saveSafetyRule).require(.roles([.admin]))

    // JSON API
    let api = app.grouped("api", "v1")
    let apiPatients = API.PatientController()
    let apiAdmin = API.AdminController()
    api.get("openapi.json", use: OpenAPIDocument.serve).require(.open)
    api.get("me", use: API.me).require(.signedIn)
    api.get("patients", use: apiPatients.index).require(.signedIn)
    api.post("patients", use: apiPatients.create).require(.roles(registrars))
    api.get("patients", ":patientID", use: apiPatients.show).require(.patient(.demographics))
    api.patch("patients", ":patientID", use: apiPatients.update).require(.patient(.demographics))
    api.post("patients", ":patientID", "deactivate", use: apiPatients.deactivate).require(.patientWithRoles(.demographics, teamManagers))
    api.post("patients", ":patientID", "reactivate", use: apiPatients.reactivate).require(.patientWithRoles(.demographics, teamManagers))
    api.get("patients", ":patientID", "care-team", use: apiPatients.careTeam).require(.patient(.demographics))
    api.put("patients", ":patientID", "care-team", use: apiPatients.replaceCareTeam).require(.patientWithRoles(.demographics, teamManagers))
    api.post("break-glass", use: apiPatients.breakGlass).require(.roles(breakGlassRoles))
    api.get("users", use: apiAdmin.users).require(.roles([.admin]))
    api.post("users", use: apiAdmin.createUser).require(.roles([.admin]))
    api.patch("users", ":userID", use: apiAdmin.updateUser).require(.roles([.admin]))
    api.get("audit-events", use: apiAdmin.auditEvents).require(.roles([.admin]))
    api.get("audit-events", "verify", use: apiAdmin.verify).require(.roles([.admin]))

    // Assessment (JSON)
    let apiAssessments = API.AssessmentController()
    let apiChart = api.grouped("patients", ":patientID")
    apiChart.get("assessments", use: apiAssessments.index).require(.patient(.clinical))
    apiChart.post("assessments", use: apiAssessments.create).require(.patient(.clinical))
    apiChart.get("assessments", ":assessmentID", use: apiAssessments.show).require(.patient(.clinical))
    apiChart.post("assessments", ":assessmentID", "intake", use: apiAssessments.intake).require(.patient(.clinical))
    apiChart.post("assessments", ":assessmentID", "safety-screen", use: apiAssessments.screen).require(.patient(.clinical))
    apiChart.post("assessments", ":assessmentID", "pain-maps", use: apiAssessments.painMap).require(.patient(.clinical))
    apiChart.post("assessments", ":assessmentID", "trigger-points", use: apiAssessments.triggerPoint).require(.patient(.clinical))
    apiChart.post("assessments", ":assessmentID", "range-of-motion", use: apiAssessments.rangeOfMotion).require(.patient(.clinical))
    apiChart.post("assessments", ":assessmentID", "measures", use: apiAssessments.measure).require(.patient(.clinical))
    apiChart.post("assessments", ":assessmentID", "root-cause", use: apiAssessments.rootCause).require(.patient(.clinical))
    apiChart.get("pain-maps", "compare", use: apiAssessments.compare).require(.patient(.clinical))
    apiChart.get("safety", use: apiAssessments.safety).require(.patient(.clinical))
    apiChart.post("safety", "screen", use: apiAssessments.visitScreen).require(.patient(.clinical))
    apiChart.post("safety", "hold", "clear", use: apiAssessments.clearHold).require(.patient(.clinical))
    apiChart.post("safety", "precautions", ":precautionID", "resolve", use: apiAssessments.resolvePrecaution).require(.patient(.clinical))
    api.get("tasks", use: apiAssessments.tasks).require(.signedIn)

    // Plans of care and notes (JSON; issue 4)
    let apiCare = API.CareController()
    apiChart.get("plans", use: apiCare.plans).require(.patient(.clinical))
    apiChart.post("plans", use: apiCare.createPlan).require(.patient(.clinical))
    apiChart.get("plans", ":planID", use: apiCare.plan).require(.patient(.clinical))
    apiChart.put("plans", ":planID", use: apiCare.revisePlan).require(.patient(.clinical))
    apiChart.post("plans", ":planID", "status", use: apiCare.moveStatus).require(.patient(.clinical))
    apiChart.post("plans", ":planID", "certify", use: apiCare.certify).require(.patient(.clinical))
    apiChart.get("plans", ":planID", "progress", use: apiCare.progress).require(.patient(.clinical))
    apiChart.get("notes", use: apiCare.notes).require(.patient(.clinical))
    apiChart.post("notes", use: apiCare.saveDraft).require(.patient(.clinical))
    apiChart.get("notes", ":noteID", use: apiCare.note).require(.patient(.clinical))
    apiChart.put("notes", ":noteID", use: apiCare.updateDraft).require(.patient(.clinical))
    apiChart.post("notes", ":noteID", "sign", use: apiCare.sign).require(.patient(.clinical))
    apiChart.post("notes", ":noteID", "addenda", use: apiCare.addAddendum).require(.patient(.clinical))
    api.get("notes", "unsigned", use: apiCare.overdue).require(.signedIn)
    api.get("catalog", "instruments", use: API.Catalog.instruments).require(.signedIn)
    api.get("catalog", "body-regions", use: API.Catalog.bodyRegions).require(.signedIn)
    api.get("catalog", "muscles", use: API.Catalog.muscles).require(.signedIn)
    api.get("catalog", "range-of-motion", use: API.Catalog.rangeOfMotion).require(.signedIn)
    api.get("safety-rules", use: apiAssessments.rules).require(.signedIn)
    api.put("safety-rules", ":ruleKey", use: apiAssessments.saveRule).require(.roles([.admin]))
}
