import Fluent
import Foundation
import KnotworkCore
import KnotworkStore

/// A synthetic history of assessments for one patient: dated assessments with pain maps, trigger points,
/// range of motion and outcome measures spread across them, improving over time. The demo gives one patient
/// a short history; the benchmark gives one patient three years of it. Every value is validated through
/// KnotworkCore exactly as a form would be.
enum DemoHistory {
    struct Size: Sendable {
        var assessments: Int
        var painMaps: Int
        var triggerPoints: Int
        var measures: Int
        var rangeOfMotion: Int

        /// Issue 3's benchmark: three years, 30 assessments, 150 maps, 500 trigger points, 1,000 measure results.
        static let benchmark = Size(assessments: 30, painMaps: 150, triggerPoints: 500, measures: 1000, rangeOfMotion: 120)
        static let demo = Size(assessments: 3, painMaps: 3, triggerPoints: 6, measures: 9, rangeOfMotion: 6)
    }

    static let regions = ["neck-back.left", "shoulder-top.left", "temple.left", "interscapular.left", "lowback.right", "occiput.left"]
    static let muscles = ["upper-trapezius", "levator-scapulae", "scm-sternal", "splenius-capitis", "infraspinatus", "quadratus-lumborum"]
    static let instruments: [(String, @Sendable (Double) -> MeasureAnswers)] = [
        ("NRS-WEEK", { p in MeasureAnswers(items: ["pain": (7 - 5 * p).rounded()]) }),
        ("PEG", { p in MeasureAnswers(items: ["pain": (7 - 5 * p).rounded(), "enjoyment": (6 - 4 * p).rounded(), "activity": (6 - 5 * p).rounded()]) }),
        ("PSFS", { p in MeasureAnswers(activities: [PSFSActivity("Driving, turning my head", (3 + 6 * p).rounded()),
                                                     PSFSActivity("Working at the computer for an hour", (4 + 5 * p).rounded())]) }),
        ("NDI", { p in MeasureAnswers(score: (24 - 16 * p).rounded()) }),
    ]

    /// Writes the history in one transaction, oldest assessment `days` before `today`.
    static func seed(patient: Patient, clinician: User, size: Size, today: CalendarDate, days: Int, on db: any Database, now: Date) async throws {
        let recorder = Recorder(userID: clinician.id, name: clinician.displayName)
        let calendar = Calendar(identifier: .gregorian)
        var utc = calendar
        utc.timeZone = TimeZone(identifier: "UTC")!
        let start = utc.date(from: DateComponents(year: today.year, month: today.month, day: today.day))!
        try await db.transaction { tx in
            let store = AssessmentStore(database: tx)
            var headers: [AssessmentHeader] = []
            for i in 0..<size.assessments {
                let offset = size.assessments == 1 ? 0 : days - days * i / (size.assessments - 1)
                let date = CalendarDate(start.addingTimeInterval(-Double(offset) * 86_400))
                let header = AssessmentHeader(id: UUID(), patientID: patient.id, kind: i == 0 ? .initial : .reEvaluation, assessedOn: date,
                                              summary: i == 0 ? "Chronic neck and shoulder pain, worse at the desk." : "Re-evaluation \(i).",
                                              clinicianID: clinician.id, clinicianName: clinician.displayName)
                try await store.create(header, at: now)
                headers.append(header)
            }
            func at(_ n: Int, of total: Int) -> (AssessmentHeader, Double) {
                let i = min(headers.count - 1, n * headers.count / max(total, 1))
                return (headers[i], headers.count == 1 ? 0 : Double(i) / Double(headers.count - 1))
            }
            let intake = try IntakeInput(
                conditions: ["Tension-type headache"], medications: [MedicationInput(name: "Ibuprofen", dose: "400 mg as needed")],
                allergies: ["Lavender oil"], pregnancy: "notApplicable",
                complaint: ComplaintInput(summary: "Neck and left shoulder pain with headaches at the end of the working day",
                                          onset: headers[0].assessedOn.description, mechanism: "postural",
                                          aggravating: ["Long computer sessions", "Driving"], easing: ["Heat", "Walking"]),
                goals: ["Work a full day at the computer without a headache", "Turn my head to reverse the car"]
            ).validated(today: headers[0].assessedOn, birthDate: patient.dateOfBirth)
            try await store.add(.intake, intake, patientID: patient.id, assessmentID: headers[0].id, recordedOn: headers[0].assessedOn, by: recorder, at: now)
            for n in 0..<size.painMaps {
                let (h, p) = at(n, of: size.painMaps)
                let markings = self.regions.enumerated().map { k, code in
                    PainMarkingInput(region: code, intensity: max(0, Int((Double(7 - k) - 5 * p).rounded())), qualities: ["aching"],
                                     pattern: k % 2 == 0 ? "constant" : "intermittent")
                }
                let map = try PainMapInput(markings: Array(markings.prefix(3 + n % 4))).validated()
                try await store.add(.painMap, map, number: Double(map.markings.map(\.intensity).max() ?? 0), patientID: patient.id,
                                    assessmentID: h.id, recordedOn: h.assessedOn, by: recorder, at: now)
            }
            for n in 0..<size.triggerPoints {
                let (h, p) = at(n, of: size.triggerPoints)
                let f = try TriggerPointFindingInput(muscle: self.muscles[n % self.muscles.count], side: n % 3 == 0 ? "right" : "left",
                                                     state: p > 0.6 ? "latent" : "active", tenderness: max(0, 3 - Int(3 * p)), tautBand: true,
                                                     twitchResponse: n % 4 == 0, reproducedRegions: []).validated()
                try await store.add(.triggerPoint, f, code: "\(f.muscle).\(f.side.rawValue)", number: Double(f.tenderness), patientID: patient.id,
                                    assessmentID: h.id, recordedOn: h.assessedOn, by: recorder, at: now)
            }
            let motions: [(String, String, String?, Double)] = [("cervical", "rotation", "left", 45), ("cervical", "rotation", "right", 60),
                                                                 ("shoulder", "flexion", "left", 140), ("shoulder", "abduction", "left", 130)]
            for n in 0..<size.rangeOfMotion {
                let (h, p) = at(n, of: size.rangeOfMotion)
                let (joint, motion, side, base) = motions[n % motions.count]
                let m = try ROMMeasurementInput(joint: joint, motion: motion, side: side, mode: "active", degrees: (base + 25 * p).rounded(),
                                                method: "goniometer", examinerID: clinician.id, examinerName: clinician.displayName).validated()
                try await store.add(.rangeOfMotion, m, code: [m.joint, m.motion, m.side?.rawValue ?? "-", m.mode.rawValue].joined(separator: "."),
                                    number: m.degrees, patientID: patient.id, assessmentID: h.id, recordedOn: h.assessedOn, by: recorder, at: now)
            }
            for n in 0..<size.measures {
                let (h, p) = at(n, of: size.measures)
                let (code, answers) = self.instruments[n % self.instruments.count]
                let instrument = Instruments.named(code)!
                let a = answers(p)
                let scored = try score(instrument, answers: a)
                try await store.add(.measure, MeasureResult(instrumentCode: code, answers: a, score: scored), code: code, number: scored.value,
                                    patientID: patient.id, assessmentID: h.id, recordedOn: h.assessedOn, by: recorder, at: now)
            }
        }
    }

    /// An active plan of care starting at the first assessment, with goals on the measures the history records.
    /// - Parameter team: the physical therapist and the behavioral-health specialist, whose goals join the plan (one shared plan).
    static func plan(patient: Patient, clinician: User, team: [User] = [], today: CalendarDate, days: Int, on db: any Database, now: Date) async throws {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let start = CalendarDate(utc.date(from: DateComponents(year: today.year, month: today.month, day: today.day))!
            .addingTimeInterval(-Double(days) * 86_400))
        func day(_ offset: Int) -> String { CalendarDate(utc.date(from: DateComponents(year: start.year, month: start.month, day: start.day))!
            .addingTimeInterval(Double(offset) * 86_400)).description }
        var plan = try PlanOfCareInput(
            problems: [ProblemInput(icd10: "M54.2", note: "Neck pain worse at the desk"), ProblemInput(icd10: "G44.229")],
            goals: [GoalInput(description: "Less pain interference at work", measure: GoalMeasureInput(kind: "instrument", code: "PEG"),
                              baseline: 6, target: 3, targetDate: day(120)),
                    GoalInput(description: "Average pain over the week", measure: GoalMeasureInput(kind: "instrument", code: "NRS-WEEK"),
                              baseline: 7, target: 3, targetDate: day(120))]
                + (team.count == 2 ? [GoalInput(description: "Sit through a two-hour work meeting", measure: GoalMeasureInput(kind: "instrument", code: "NDI"),
                                                baseline: 34, target: 16, targetDate: day(120)),
                                      GoalInput(description: "Confidence to stay active despite pain", measure: GoalMeasureInput(kind: "instrument", code: "PSEQ"),
                                                baseline: 28, target: 40, targetDate: day(120))] : []),
            techniques: [PlannedTechniqueInput(technique: "myofascial-release", regions: ["neck-back.left", "shoulder-top.left"]),
                         PlannedTechniqueInput(technique: "trigger-point-therapy", regions: ["shoulder-top.left", "occiput.left"])],
            frequencyPerWeek: 1, durationWeeks: 20, start: start.description, reEvaluationDate: day(28),
            endGoal: "Work a full day at the computer without a headache.",
            dischargeCriteria: "PEG 3 or less on two visits in a row, or a plateau over two re-evaluations.",
            homeCare: [HomeCareItemInput(factor: "workstation", instruction: "Raise the monitor to eye level."),
                       HomeCareItemInput(factor: "posture", instruction: "Chin tucks, 10 times every hour at the desk.")]
        ).validated(today: today, birthDate: patient.dateOfBirth, techniques: TechniqueCatalog.standard)
        plan.status = .active
        let owners = ([clinician, clinician] + team).map { u in Discipline(role: u.role).map { GoalOwner(userID: u.id, name: u.displayName, discipline: $0) } }
        for i in plan.goals.indices where i < owners.count { plan.goals[i].owner = owners[i] }
        _ = try await CareStore(database: db).createPlan(plan, patientID: patient.id,
                                                         by: Recorder(userID: clinician.id, name: clinician.displayName), at: now)
    }

    /// Issue 4's benchmark episode: a plan of care started two years ago with five goals, and `sessions` weekly session
    /// notes, each signed, each with ten measure results recorded at the session (the note's own pain today as NRS-NOW
    /// and nine more), improving for the first half and then on a plateau. Every note is validated and signed as the
    /// note page would.
    static func episode(patient: Patient, clinician: User, sessions: Int, today: CalendarDate, on db: any Database, now: Date) async throws {
        let recorder = Recorder(userID: clinician.id, name: clinician.displayName)
        let start = today.adding(days: -7 * sessions - 7)
        // The history's four instruments plus five diary measures: with the note's NRS-NOW, ten per session.
        let diary: [(String, @Sendable (Double) -> MeasureAnswers)] = [
            ("SLEEP-HOURS", { (p: Double) -> MeasureAnswers in MeasureAnswers(items: ["hours": 5.0 + 2.0 * p]) }),
            ("SLEEP-QUALITY", { (p: Double) -> MeasureAnswers in MeasureAnswers(items: ["quality": (4.0 + 4.0 * p).rounded()]) }),
            ("SLEEP-WAKINGS", { (p: Double) -> MeasureAnswers in MeasureAnswers(items: ["wakings": (3.0 - 3.0 * p).rounded()]) }),
            ("PAINFREE-HOURS", { (p: Double) -> MeasureAnswers in MeasureAnswers(items: ["hours": (2.0 + 10.0 * p).rounded()]) }),
            ("PAINFREE-DAYS", { (p: Double) -> MeasureAnswers in MeasureAnswers(items: ["days": (5.0 * p).rounded()]) }),
        ]
        let measures = Self.instruments + diary
        try await db.transaction { tx in
            let input = PlanOfCareInput(
                problems: [ProblemInput(icd10: "M54.2", note: "Neck pain worse at the desk"), ProblemInput(icd10: "G44.229")],
                goals: [
                    GoalInput(description: "Less pain interference at work", measure: GoalMeasureInput(kind: "instrument", code: "PEG"),
                              baseline: 6, target: 3, targetDate: start.adding(days: 180).description),
                    GoalInput(description: "Average pain over the week", measure: GoalMeasureInput(kind: "instrument", code: "NRS-WEEK"),
                              baseline: 7, target: 3, targetDate: start.adding(days: 180).description),
                    GoalInput(description: "Pain at the start of each session", measure: GoalMeasureInput(kind: "instrument", code: "NRS-NOW"),
                              baseline: 7, target: 3, targetDate: start.adding(days: 180).description),
                    GoalInput(description: "Less neck disability", measure: GoalMeasureInput(kind: "instrument", code: "NDI"),
                              baseline: 24, target: 10, targetDate: start.adding(days: 240).description),
                    GoalInput(description: "Drive and turn the head to check the blind spot",
                              measure: GoalMeasureInput(kind: "psfsActivity", activity: "Driving, turning my head"),
                              baseline: 3, target: 8, targetDate: start.adding(days: 240).description),
                ],
                techniques: [PlannedTechniqueInput(technique: "myofascial-release", regions: ["neck-back.left", "shoulder-top.left"]),
                             PlannedTechniqueInput(technique: "trigger-point-therapy", regions: ["shoulder-top.left", "occiput.left"])],
                frequencyPerWeek: 1, durationWeeks: 52, start: start.description, reEvaluationDate: start.adding(days: 28).description,
                endGoal: "Work a full day at the computer without a headache.",
                dischargeCriteria: "Goals met on two visits in a row, or a plateau over two re-evaluations.",
                homeCare: [HomeCareItemInput(factor: "workstation", instruction: "Raise the monitor to eye level.")])
            var plan = try input.validated(today: start, birthDate: patient.dateOfBirth, techniques: TechniqueCatalog.standard)
            plan.status = .active
            let care = CareStore(database: tx)
            let stored = try await care.createPlan(plan, patientID: patient.id, by: recorder, at: now)
            let store = AssessmentStore(database: tx)
            let techniques = Set(TechniqueCatalog.standard.map(\.code))
            for i in 0..<sessions {
                let day = start.adding(days: 7 * i + 1)
                // Improving for the first half, then level: the last sessions sit on a plateau.
                let p = min(1, Double(i) / Double(max(1, sessions / 2)))
                let timeIn = DemoClinic.at(day, hour: 10), timeOut = timeIn.addingTimeInterval(55 * 60)
                let draft = SessionNoteInput(
                    subjective: .init(painToday: Int((7 - 4 * p).rounded()), changesSinceLast: i < sessions / 2 ? "better" : "same", text: "Headaches less often; desk work as usual."),
                    objective: .init(text: "Taut band in the left upper trapezius."),
                    assessment: .init(text: "Responding to treatment."),
                    plan: .init(text: "Continue the plan.", nextVisit: day.adding(days: 7).description),
                    interventions: [.init(technique: "myofascial-release", regions: ["neck-back.left"], minutes: 25, pressure: "moderate", response: "Relaxed"),
                                    .init(technique: "trigger-point-therapy", regions: ["shoulder-top.left"], minutes: 20, pressure: "deep", response: "Referral reproduced, eased")],
                    triggerPointsTreated: [.init(muscle: "upper-trapezius", side: "left", tendernessBefore: 3, tendernessAfter: 1)],
                    painAfter: Int((5 - 3 * p).rounded()), homeCare: ["Chin tucks every hour at the desk."], timeIn: timeIn, timeOut: timeOut)
                let key = "episode-\(patient.id.uuidString.lowercased())-\(i)"
                let (saved, _) = try await care.saveDraft(draft, patientID: patient.id, planID: stored.id, kind: "session", idempotencyKey: key,
                                                          sessionStart: timeIn, sessionEnd: timeOut, by: recorder, at: timeOut)
                let note = try draft.validated(techniques: techniques, now: timeOut)
                let signed = try await care.sign(saved.id, patientID: patient.id, by: recorder, at: timeOut, lateAfter: LateEntry.defaultThreshold) { _ in
                    (note, note.canonicalForm(patientID: patient.id, noteID: saved.id, author: recorder.userID, signedAt: timeOut))
                }
                try await CareActions.recordSessionPain(note, on: day, noteID: signed.id, patientID: patient.id, by: recorder, at: timeOut, on: tx)
                for (code, answers) in measures {
                    let instrument = Instruments.named(code)!
                    let a = answers(p)
                    let scored = try score(instrument, answers: a)
                    try await store.add(.measure, MeasureResult(instrumentCode: code, answers: a, score: scored), code: code, number: scored.value,
                                        patientID: patient.id, assessmentID: nil, sessionID: signed.id, recordedOn: day, by: recorder, at: timeOut)
                }
            }
        }
    }
}
