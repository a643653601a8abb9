import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// What the HTML pages and the JSON API both do with patients. Each action checks, validates, writes
/// and audits in one transaction; the controllers only translate between HTTP and these.
enum PatientActions {
    /// Thrown when a likely duplicate exists and the caller has not confirmed a second record.
    struct LikelyDuplicate: Error, AuditOutcomeProviding {
        var matches: [Patient]
        var auditOutcome: AuditOutcome { .failure }
        var auditDetail: String { "likely duplicate" }
    }

    static func search(_ query: PatientQuery, on req: Request) async throws -> ResultPage<Patient> {
        let p = try req.requirePrincipal()
        let scope: PatientScope = AccessPolicy.seesAllPatients(p.user.role) ? .all : .careTeamOf(p.user.id, now: req.now)
        let criteria = [query.name.map { _ in "name" }, query.dateOfBirth.map { _ in "dob" },
                        query.recordNumber.map { _ in "record" }, query.phoneDigits.map { _ in "phone" }]
            .compactMap { $0 }.joined(separator: ",")
        let entry = AuditEntry(.patientSearch, entity: "patients", detail: "criteria=\(criteria.isEmpty ? "none" : criteria); page=\(query.page)")
        return try await req.audit.read(req.auditActor, entry) { db in
            try await PatientStore(database: db).search(query, scope: scope)
        }
    }

    /// The patient, with the care team when the page shows it.
    static func read(withCareTeam: Bool = true, on req: Request) async throws -> (Patient, [CareTeamMember]) {
        let ctx = try req.requirePatient()
        return try await req.audit.read(req.auditActor, AuditEntry(.patientRead, patientID: ctx.patientID, entity: "patient")) { db in
            let store = PatientStore(database: db)
            guard let patient = try await store.get(ctx.patientID) else { throw Abort(.notFound) }
            return (patient, withCareTeam ? try await store.careTeam(ctx.patientID) : [])
        }
    }

    /// The patient page: the patient and care team, and for a clinician the chart header (precautions, hold)
    /// and the red-flag questions that can be re-asked at any visit; one audited read.
    struct Chart: Sendable {
        var patient: Patient
        var team: [CareTeamMember]
        var safety: SafetyStatus?
        var rules: [SafetyRule]
        var assessments: [AssessmentHeader]
        /// The next visits (issue 4's appointment book).
        var upcoming: [StoredAppointment]
        /// The active referrals' and authorizations' counters, for a clinician.
        var counters: [ReferralActions.Counter] = []
        var today: CalendarDate
    }

    static func chart(on req: Request) async throws -> Chart {
        let ctx = try req.requirePatient()
        let clinical = ctx.access >= .clinical
        let now = req.now
        return try await req.audit.read(req.auditActor, AuditEntry(.patientRead, patientID: ctx.patientID, entity: "patient")) { db in
            let store = PatientStore(database: db)
            guard let patient = try await store.get(ctx.patientID) else { throw Abort(.notFound) }
            let safety = SafetyStore(database: db)
            return Chart(patient: patient, team: try await store.careTeam(ctx.patientID),
                         safety: clinical ? try await safety.status(of: ctx.patientID) : nil,
                         rules: clinical ? try await safety.currentRules() : [],
                         assessments: clinical ? try await AssessmentStore(database: db).assessments(of: ctx.patientID) : [],
                         upcoming: try await AppointmentStore(database: db).appointments(of: ctx.patientID, from: now, limit: 3),
                         counters: clinical ? ReferralActions.counters(try await ReferralStore(database: db).referrals(of: ctx.patientID),
                                                                       today: req.today,
                                                                       settings: try await CareActions.settings(on: db).counters) : [],
                         today: req.today)
        }
    }

    static func create(_ input: PatientInput, confirmDuplicate: Bool, on req: Request) async throws -> Patient {
        let p = try req.requirePrincipal()
        let today = req.today
        let now = req.now
        return try await req.audit.perform(req.auditActor, AuditEntry(.patientCreate, entity: "patient"), patientOf: { $0.id }) { db in
            let demographics = try input.validate(today: today)
            let store = PatientStore(database: db)
            if !confirmDuplicate {
                let matches = try await store.likelyDuplicates(of: demographics)
                if !matches.isEmpty { throw LikelyDuplicate(matches: matches) }
            }
            let patient = try await store.create(demographics)
            // A therapist who registers a patient starts the care team as its primary therapist.
            if p.user.role == .massageTherapist {
                try await store.addToCareTeam(patient.id, userID: p.user.id, primary: true, now: now)
            }
            return patient
        }
    }

    static func update(_ input: PatientInput, on req: Request) async throws -> Patient {
        let ctx = try req.requirePatient()
        let today = req.today
        return try await req.audit.perform(req.auditActor, AuditEntry(.patientUpdate, patientID: ctx.patientID, entity: "patient")) { db in
            let demographics = try input.validate(today: today)
            guard let patient = try await PatientStore(database: db).update(ctx.patientID, demographics) else { throw Abort(.notFound) }
            return patient
        }
    }

    /// Deactivation is the only way a patient leaves the active list: records are never deleted.
    static func setActive(_ active: Bool, on req: Request) async throws -> Patient {
        let ctx = try req.requirePatient()
        let entry = AuditEntry(active ? .patientReactivate : .patientDeactivate, patientID: ctx.patientID, entity: "patient")
        return try await req.audit.perform(req.auditActor, entry) { db in
            guard let patient = try await PatientStore(database: db).setActive(ctx.patientID, active) else { throw Abort(.notFound) }
            return patient
        }
    }

    static func careTeam(on req: Request) async throws -> [CareTeamMember] {
        let ctx = try req.requirePatient()
        return try await req.audit.read(req.auditActor, AuditEntry(.careTeamRead, patientID: ctx.patientID, entity: "care_team")) { db in
            try await PatientStore(database: db).careTeam(ctx.patientID)
        }
    }

    struct MemberInput: Content, Equatable {
        var userId: UUID
        var primary: Bool?
    }

    static func replaceCareTeam(_ input: [MemberInput], on req: Request) async throws -> [CareTeamMember] {
        let ctx = try req.requirePatient()
        let now = req.now
        let entry = AuditEntry(.careTeamUpdate, patientID: ctx.patientID, entity: "care_team",
                               detail: "members=" + input.map { $0.userId.uuidString.prefix(8).lowercased() }.joined(separator: ","))
        return try await req.audit.perform(req.auditActor, entry) { db in
            let users = try await UserStore(database: db).users(input.map(\.userId))
            let byID = Dictionary(users.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            var errors: [FieldError] = []
            var members: [CareTeamMember] = []
            for m in input {
                if let user = byID[m.userId] {
                    members.append(CareTeamMember(user: user, isPrimary: m.primary ?? false))
                } else {
                    errors.append(FieldError("members", "There is no user \(m.userId.uuidString.lowercased())."))
                }
            }
            errors += CareTeamRules.problems(members)
            guard errors.isEmpty else { throw ValidationFailure(errors) }
            let store = PatientStore(database: db)
            try await store.setCareTeam(ctx.patientID, members, now: now)
            return try await store.careTeam(ctx.patientID)
        }
    }

    /// Emergency access (ONC 170.315(d)(6)): a reason, a time limit, and a flagged audit row.
    static func breakGlass(recordNumber: String?, reason: String?, on req: Request) async throws -> Patient {
        let p = try req.requirePrincipal()
        let now = req.now
        let expires = now.addingTimeInterval(req.settings.breakGlassDuration)
        let record = Text.clean(recordNumber).uppercased()
        let why = Text.clean(reason)
        let entry = AuditEntry(.breakGlass, entity: "patient", detail: "reason: \(why.prefix(300))")
        return try await req.audit.perform(req.auditActor, entry, patientOf: { $0.id }) { db in
            var errors: [FieldError] = []
            if record.isEmpty { errors.append(FieldError("recordNumber", "Record number is required.")) }
            if why.count < 10 { errors.append(FieldError("reason", "Give the reason for emergency access (at least 10 characters).")) }
            if why.count > 500 { errors.append(FieldError("reason", "The reason must be at most 500 characters.")) }
            guard errors.isEmpty else { throw ValidationFailure(errors) }
            let store = PatientStore(database: db)
            guard let patient = try await store.find(recordNumber: record) else {
                throw ValidationFailure([FieldError("recordNumber", "No patient has record number \(record).")])
            }
            try await store.grantBreakGlass(patientID: patient.id, userID: p.user.id, reason: why, now: now, expires: expires)
            return patient
        }
    }
}
