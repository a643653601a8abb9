import Foundation

/// Administrative sex as FHIR R4 `Patient.gender` codes it.
public enum AdministrativeSex: String, CaseIterable, Codable, Sendable {
    case female, male, other, unknown

    public var label: String { self.rawValue.capitalized }
}

/// A patient's demographics. Clinical content lives elsewhere and is reached through the chart.
public struct Patient: Equatable, Sendable, Codable {
    public var id: UUID
    public var recordNumber: String
    public var givenName: String
    public var familyName: String
    public var dateOfBirth: CalendarDate
    public var sex: AdministrativeSex
    public var phone: String?
    public var email: String?
    public var addressLine: String?
    public var city: String?
    public var state: String?
    public var postalCode: String?
    public var active: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, recordNumber: String, givenName: String, familyName: String, dateOfBirth: CalendarDate,
        sex: AdministrativeSex, phone: String?, email: String?, addressLine: String?, city: String?,
        state: String?, postalCode: String?, active: Bool, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.recordNumber = recordNumber
        self.givenName = givenName
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
        self.sex = sex
        self.phone = phone
        self.email = email
        self.addressLine = addressLine
        self.city = city
        self.state = state
        self.postalCode = postalCode
        self.active = active
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// "Family, Given", as lists sort and show it.
    public var sortName: String { "\(self.familyName), \(self.givenName)" }
    public var displayName: String { "\(self.givenName) \(self.familyName)" }

    /// Record numbers are "KW-" and a zero-padded sequence number.
    public static func recordNumber(sequence: Int) -> String {
        "KW-" + String(format: "%06d", sequence)
    }
}

/// What a form or the API sends to create or edit a patient, before validation.
public struct PatientInput: Equatable, Sendable, Codable {
    public var givenName: String?
    public var familyName: String?
    public var dateOfBirth: String?
    public var sex: String?
    public var phone: String?
    public var email: String?
    public var addressLine: String?
    public var city: String?
    public var state: String?
    public var postalCode: String?

    public init(
        givenName: String? = nil, familyName: String? = nil, dateOfBirth: String? = nil, sex: String? = nil,
        phone: String? = nil, email: String? = nil, addressLine: String? = nil, city: String? = nil,
        state: String? = nil, postalCode: String? = nil
    ) {
        self.givenName = givenName
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
        self.sex = sex
        self.phone = phone
        self.email = email
        self.addressLine = addressLine
        self.city = city
        self.state = state
        self.postalCode = postalCode
    }
}

/// Validated demographics, ready to store.
public struct PatientDemographics: Equatable, Sendable {
    public var givenName: String
    public var familyName: String
    public var dateOfBirth: CalendarDate
    public var sex: AdministrativeSex
    public var phone: String?
    public var email: String?
    public var addressLine: String?
    public var city: String?
    public var state: String?
    public var postalCode: String?

    public init(givenName: String, familyName: String, dateOfBirth: CalendarDate, sex: AdministrativeSex, phone: String?,
                email: String?, addressLine: String?, city: String?, state: String?, postalCode: String?) {
        self.givenName = givenName
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
        self.sex = sex
        self.phone = phone
        self.email = email
        self.addressLine = addressLine
        self.city = city
        self.state = state
        self.postalCode = postalCode
    }
}

extension PatientInput {
    public static let maxNameLength = 100
    public static let maxFieldLength = 200

    /// Validates every field and reports every problem at once.
    /// - Parameter today: the clinic's current date; a date of birth after it is refused.
    public func validate(today: CalendarDate) throws(ValidationFailure) -> PatientDemographics {
        var errors: [FieldError] = []

        func name(_ value: String?, _ field: String, _ label: String) -> String {
            let v = Text.clean(value)
            if v.isEmpty {
                errors.append(FieldError(field, "\(label) is required."))
            } else if v.count > Self.maxNameLength {
                errors.append(FieldError(field, "\(label) must be at most \(Self.maxNameLength) characters."))
            } else if Text.hasControlCharacters(value ?? "") {
                errors.append(FieldError(field, "\(label) contains characters that are not allowed."))
            }
            return v
        }
        func optional(_ value: String?, _ field: String, _ label: String, max: Int = Self.maxFieldLength) -> String? {
            let v = Text.clean(value)
            if v.isEmpty { return nil }
            if v.count > max {
                errors.append(FieldError(field, "\(label) must be at most \(max) characters."))
            } else if Text.hasControlCharacters(value ?? "") {
                errors.append(FieldError(field, "\(label) contains characters that are not allowed."))
            }
            return v
        }

        let given = name(self.givenName, "givenName", "Given name")
        let family = name(self.familyName, "familyName", "Family name")

        var dob = today
        let dobText = Text.clean(self.dateOfBirth)
        if dobText.isEmpty {
            errors.append(FieldError("dateOfBirth", "Date of birth is required."))
        } else if let parsed = CalendarDate(dobText) {
            if parsed > today {
                errors.append(FieldError("dateOfBirth", "Date of birth cannot be in the future."))
            } else if parsed.year < 1900 {
                errors.append(FieldError("dateOfBirth", "Date of birth must be in 1900 or later."))
            }
            dob = parsed
        } else {
            errors.append(FieldError("dateOfBirth", "Date of birth must be a real date written YYYY-MM-DD."))
        }

        var sex = AdministrativeSex.unknown
        let sexText = Text.clean(self.sex)
        if sexText.isEmpty {
            errors.append(FieldError("sex", "Sex is required (female, male, other or unknown)."))
        } else if let s = AdministrativeSex(rawValue: sexText) {
            sex = s
        } else {
            errors.append(FieldError("sex", "Sex must be one of female, male, other or unknown."))
        }

        let phone = optional(self.phone, "phone", "Phone", max: 30)
        if let phone, let problem = Text.phoneProblem(phone) { errors.append(FieldError("phone", "Phone \(problem)")) }
        let email = optional(self.email, "email", "Email", max: 254)
        if let email, let problem = Text.emailProblem(email) { errors.append(FieldError("email", "Email \(problem)")) }
        let address = optional(self.addressLine, "addressLine", "Address")
        let city = optional(self.city, "city", "City", max: 100)
        let state = optional(self.state, "state", "State", max: 50)
        let postal = optional(self.postalCode, "postalCode", "Postal code", max: 12)

        guard errors.isEmpty else { throw ValidationFailure(errors) }
        return PatientDemographics(
            givenName: given, familyName: family, dateOfBirth: dob, sex: sex, phone: phone, email: email,
            addressLine: address, city: city, state: state, postalCode: postal
        )
    }
}

/// A patient search. Every present criterion must match.
public struct PatientQuery: Equatable, Sendable {
    /// Name: each word must start a word of the given or family name, ignoring case and accents.
    public var name: String?
    public var dateOfBirth: CalendarDate?
    public var recordNumber: String?
    /// Digits only; matches phones that contain them.
    public var phoneDigits: String?
    public var includeInactive: Bool
    public var page: Int
    public var perPage: Int

    public init(name: String? = nil, dateOfBirth: CalendarDate? = nil, recordNumber: String? = nil,
                phoneDigits: String? = nil, includeInactive: Bool = false, page: Int = 1, perPage: Int = 25) {
        self.name = name
        self.dateOfBirth = dateOfBirth
        self.recordNumber = recordNumber
        self.phoneDigits = phoneDigits
        self.includeInactive = includeInactive
        self.page = page
        self.perPage = perPage
    }

    /// The search words of the name criterion, folded.
    public var nameTerms: [String] {
        guard let name else { return [] }
        return Text.searchKey(name).split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" }).map(String.init)
    }

    public static let maxPerPage = 100

    /// Builds a query from raw strings (form or query string), with field errors for bad values.
    public static func parse(q: String?, dob: String?, record: String?, phone: String?, page: String?,
                             perPage: String?, includeInactive: Bool) throws(ValidationFailure) -> PatientQuery {
        var errors: [FieldError] = []
        var query = PatientQuery(includeInactive: includeInactive)
        let q = Text.clean(q)
        if !q.isEmpty {
            if q.count > 100 { errors.append(FieldError("q", "Search text must be at most 100 characters.")) }
            query.name = q
        }
        let dob = Text.clean(dob)
        if !dob.isEmpty {
            if let d = CalendarDate(dob) { query.dateOfBirth = d } else {
                errors.append(FieldError("dob", "Date of birth must be a real date written YYYY-MM-DD."))
            }
        }
        let record = Text.clean(record)
        if !record.isEmpty {
            if record.count > 20 { errors.append(FieldError("record", "Record number is at most 20 characters.")) }
            query.recordNumber = record.uppercased()
        }
        let phone = Text.clean(phone)
        if !phone.isEmpty {
            let digits = Text.digits(phone)
            if digits.count < 3 || digits.count > 15 {
                errors.append(FieldError("phone", "Phone search needs 3 to 15 digits."))
            }
            query.phoneDigits = digits
        }
        if let page, !page.isEmpty {
            if let p = Int(page), p >= 1, p <= 100_000 { query.page = p } else {
                errors.append(FieldError("page", "Page must be a whole number from 1."))
            }
        }
        if let perPage, !perPage.isEmpty {
            if let p = Int(perPage), (1...Self.maxPerPage).contains(p) { query.perPage = p } else {
                errors.append(FieldError("perPage", "Results per page must be from 1 to \(Self.maxPerPage)."))
            }
        }
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        return query
    }
}

/// One page of results.
public struct ResultPage<Item: Sendable>: Sendable {
    public var items: [Item]
    public var page: Int
    public var perPage: Int
    public var total: Int
    /// False when counting stopped at a cap: there are at least `total` matches.
    public var totalIsExact: Bool

    public init(items: [Item], page: Int, perPage: Int, total: Int, totalIsExact: Bool = true) {
        self.items = items
        self.page = page
        self.perPage = perPage
        self.total = total
        self.totalIsExact = totalIsExact
    }

    public var pageCount: Int {
        let counted = max(1, (self.total + self.perPage - 1) / self.perPage)
        // Past the counting cap there may be more pages than counted: offer the next one while pages are full.
        return self.totalIsExact ? counted : max(counted, self.page + (self.items.count == self.perPage ? 1 : 0))
    }
}
extension ResultPage: Equatable where Item: Equatable {}
