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
    static func plan(patient: Patient, clinician: User, today: CalendarDate, days: Int, on db: any Database, now: Date) async throws {
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
                              baseline: 7, target: 3, targetDate: day(120))],
            techniques: [PlannedTechniqueInput(technique: "myofascial-release", regions: ["neck-back.left", "shoulder-top.left"]),
                         PlannedTechniqueInput(technique: "trigger-point-therapy", regions: ["shoulder-top.left", "occiput.left"])],
            frequencyPerWeek: 1, durationWeeks: 20, start: start.description, reEvaluationDate: day(28),
            endGoal: "Work a full day at the computer without a headache.",
            dischargeCriteria: "PEG 3 or less on two visits in a row, or a plateau over two re-evaluations.",
            homeCare: [HomeCareItemInput(factor: "workstation", instruction: "Raise the monitor to eye level."),
                       HomeCareItemInput(factor: "posture", instruction: "Chin tucks, 10 times every hour at the desk.")]
        ).validated(today: today, birthDate: patient.dateOfBirth, techniques: TechniqueCatalog.standard)
        plan.status = .active
        _ = try await CareStore(database: db).createPlan(plan, patientID: patient.id,
                                                         by: Recorder(userID: clinician.id, name: clinician.displayName), at: now)
    }
}
