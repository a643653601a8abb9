import Fluent

/// Every migration, in order. Append only.
public enum KnotworkMigrations {
    public static let all: [any Migration] = [
        CreateUsers(),
        CreateSessions(),
        CreateAccessTokens(),
        CreatePatients(),
        CreateCareTeams(),
        CreateLoginAttempts(),
        CreateAuditTrail(),
        // 0002: assessment
        CreateAssessments(),
        CreateSafetySchema(),
        // 0003: plans of care and signed notes
        CreateCareSchema(),
        // 0004: the clinic's settings for plans and progress
        CreateClinicSettings(),
        // 0005: the appointment book
        CreateAppointments(),
        // 0006: referrals and payer authorizations with their visit counters
        CreateReferrals(),
        // 0007: the e-mail outbox
        CreateOutbox(),
        // 0008: clinicians' credentials, NPI and signature block
        CreateClinicianProfiles(),
        // 0009: where each signed progress report went
        CreateReportDeliveries(),
        // 0010: tasks with due dates, and secure messages between team members
        CreateTeamWork(),
        // 0011: licenses, the CE log and exceptions to the license gate
        CreateCredentials(),
    ]
}
