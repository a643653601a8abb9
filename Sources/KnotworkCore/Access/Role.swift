/// The roles of PRODUCT.md's "Who uses it" table. The raw values are stored in the database and sent
/// over the API, so they never change.
public enum Role: String, CaseIterable, Codable, Sendable {
    case admin = "admin"
    case massageTherapist = "massage_therapist"
    case physicalTherapist = "physical_therapist"
    case behavioralHealth = "behavioral_health"
    case medicalProvider = "medical_provider"
    case frontDesk = "front_desk"

    public var label: String {
        switch self {
        case .admin: "Clinic administrator"
        case .massageTherapist: "Massage therapist"
        case .physicalTherapist: "Physical therapist"
        case .behavioralHealth: "Behavioral-health specialist"
        case .medicalProvider: "Medical provider"
        case .frontDesk: "Front desk"
        }
    }

    /// Roles that treat patients and so may sit on a care team.
    public var isClinician: Bool {
        switch self {
        case .massageTherapist, .physicalTherapist, .behavioralHealth, .medicalProvider: true
        case .admin, .frontDesk: false
        }
    }

    /// ONC 170.315(d)(6): an identified set of users may use emergency access.
    public var mayBreakGlass: Bool {
        self.isClinician || self == .admin
    }
}
