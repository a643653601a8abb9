import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// Issue 11's worklist benchmark: a therapist, wendy.lmt, with `patients` patients of her own, `tasks` open tasks set
/// for her by pat.pt, and `plans` active plans started 45 days ago, so that as many progress reports are due (30 days
/// by default). Also the demo clinic's open task and message (`demoTeamWork`).
enum DemoWorklist {
    static let username = "wendy.lmt"

    static func seed(_ app: Application, patients: Int = 300, tasks: Int = 50, plans: Int = 20) async throws -> User {
        let users = try await UserStore(database: app.db).all()
        guard let pat = users.first(where: { $0.username == "pat.pt" }) else { throw CommandError("--worklist needs the demo clinic (pat.pt)") }
        let now = app.knotwork.clock.now()
        let today = DemoClinic.clock.date(of: now)
        let wendy: User
        if let existing = users.first(where: { $0.username == Self.username }) {
            wendy = existing
        } else {
            let hash = try await app.password.async.hash(DemoClinic.password)
            wendy = try await UserStore(database: app.db).create(username: Self.username, displayName: "Wendy Worklist, LMT", role: .massageTherapist,
                                                                 passwordHash: hash, now: now)
        }
        let start = try await PatientStore(database: app.db).count()
        let batch = (0..<patients).map { n in
            (DemoClinic.demographics(start + n), [CareTeamMember(user: wendy, isPrimary: true), CareTeamMember(user: pat, isPrimary: false)])
        }
        try await app.db.transaction { tx in try await PatientStore(database: tx).bulkCreate(batch, now: now) }
        let mine = try await PatientStore(database: app.db).search(PatientQuery(perPage: 100), scope: .careTeamOf(wendy.id, now: now))
        let ids = try await self.allPatients(of: wendy.id, on: app.db, now: now, first: mine.items.map(\.id), total: mine.total)
        let care = CareStore(database: app.db), taskStore = TaskStore(database: app.db)
        let setter = Recorder(userID: pat.id, name: pat.displayName)
        for (k, id) in ids.prefix(tasks).enumerated() {
            _ = try await taskStore.create(patientID: id, assignee: wendy, title: "Check the home program (\(k + 1))", detail: "", dueOn: today.adding(days: k % 5 - 1),
                                           noteID: nil, by: setter, at: now)
        }
        let planStart = today.adding(days: -45)
        for id in ids.suffix(plans) {
            let patient = try await AssessmentActions.patient(id, on: app.db)
            var plan = try PlanOfCareInput(
                problems: [ProblemInput(icd10: "M54.2")],
                goals: [GoalInput(description: "Less pain interference", measure: GoalMeasureInput(kind: "instrument", code: "PEG"), baseline: 6, target: 3,
                                  targetDate: planStart.adding(days: 90).description)],
                techniques: [PlannedTechniqueInput(technique: "myofascial-release", regions: ["neck-back.left"])],
                frequencyPerWeek: 1, durationWeeks: 12, start: planStart.description, reEvaluationDate: planStart.adding(days: 28).description,
                endGoal: "Work a full day without neck pain.", dischargeCriteria: "PEG 3 or less."
            ).validated(today: planStart, birthDate: patient.dateOfBirth, techniques: TechniqueCatalog.standard)
            plan.status = .active
            _ = try await care.createPlan(plan, patientID: id, by: Recorder(userID: wendy.id, name: wendy.displayName), at: now)
        }
        return wendy
    }

    private static func allPatients(of userID: UUID, on db: any Database, now: Date, first: [UUID], total: Int) async throws -> [UUID] {
        var ids = first
        var page = 2
        while ids.count < total {
            let more = try await PatientStore(database: db).search(PatientQuery(page: page, perPage: 100), scope: .careTeamOf(userID, now: now))
            if more.items.isEmpty { break }
            ids += more.items.map(\.id)
            page += 1
        }
        return ids
    }

    /// The demo's work between visits on its first patient: a task from the PT to ana, due tomorrow, and a message
    /// from the behavioral-health specialist to the team.
    static func demoTeamWork(patient: Patient, users: [String: User], now: Date, on db: any Database) async throws {
        guard let ana = users["ana.lmt"], let pat = users["pat.pt"], let bea = users["bea.bh"] else { return }
        _ = try await TaskStore(database: db).create(patientID: patient.id, assignee: ana, title: "Have the NDI filled in at the next visit",
                                                     detail: "For the physical-therapy goal.", dueOn: DemoClinic.clock.date(of: now).adding(days: 1), noteID: nil,
                                                     by: Recorder(userID: pat.id, name: pat.displayName), at: now)
        _ = try await MessageStore(database: db).start(patientID: patient.id, subject: "Sleep since the new work schedule",
                                                       body: "Her sleep diary shows about five hours a night. I will add a sleep goal; any pressure points to avoid late in the day?",
                                                       by: Recorder(userID: bea.id, name: bea.displayName), at: now)
    }
}
