/// What a caller may see of one patient. Ordered: each level includes the ones before it.
public enum PatientAccess: Int, Comparable, Sendable {
    /// The patient is invisible: answered exactly like a patient that does not exist.
    case none = 0
    /// Name, date of birth, contact details and care team; never clinical content.
    case demographics = 1
    /// The chart: everything a care-team member sees.
    case clinical = 2

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a route needs. Every route declares one; a route without one is refused (fail closed).
public enum AccessRule: Sendable, Equatable {
    /// Anyone, signed in or not (sign-in page, health checks, static files).
    case open
    /// Any signed-in user; the handler touches only the caller's own data.
    case signedIn
    /// Signed in with one of these roles.
    case roles(Set<Role>)
    /// The route names a patient (`:patientID`) and needs at least this access to them.
    case patient(PatientAccess)
    /// The route names a patient and also needs one of these roles (for example deactivation).
    case patientWithRoles(PatientAccess, Set<Role>)
}

/// The care-team access rule of issue 2, as pure functions so that one table test covers it.
public enum AccessPolicy {
    /// Roles that see every patient's demographics (to register patients, book and assign teams)
    /// but never clinical content.
    public static let demographicRoles: Set<Role> = [.frontDesk, .admin]

    /// Roles that may register a patient.
    public static let registrarRoles: Set<Role> = [.frontDesk, .admin, .massageTherapist]

    /// Roles that may change a care team or deactivate a patient.
    public static let teamManagerRoles: Set<Role> = [.frontDesk, .admin]

    /// The access one user has to one patient.
    /// - Parameters:
    ///   - onTeam: the user is on the patient's care team.
    ///   - breakGlass: the user holds an unexpired emergency-access grant for the patient.
    public static func patientAccess(role: Role, onTeam: Bool, breakGlass: Bool) -> PatientAccess {
        if role.isClinician && onTeam { return .clinical }
        if role.mayBreakGlass && breakGlass { return .clinical }
        if self.demographicRoles.contains(role) { return .demographics }
        return .none
    }

    /// Whether a user may list and search every patient (otherwise only their own team's).
    public static func seesAllPatients(_ role: Role) -> Bool {
        self.demographicRoles.contains(role)
    }
}
