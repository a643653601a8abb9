import Foundation
import KnotworkCore
import Vapor

/// The ICD-10-CM code search, as a page and as JSON. The code set is public data, so any signed-in user may search it.
struct CatalogController {
    struct ICD10Params: Content {
        var q: String?
        var on: String?
        var limit: String?
    }

    @Sendable func icd10(req: Request) async throws -> Response {
        let p = (try? req.query.decode(ICD10Params.self)) ?? ICD10Params()
        var form: [String: String] = [:]
        form["q"] = p.q
        form["on"] = p.on
        var query: ICD10Query?
        var errors: [FieldError] = []
        // The bare page shows the form only; a search (even an empty one) lists codes.
        if p.q != nil || p.on != nil {
            do { query = try ICD10Query.parse(q: p.q, on: p.on, limit: p.limit, today: req.today) } catch let e as ValidationFailure { errors = e.errors }
        }
        let html = Layout.page(PageContext(req, title: "ICD-10-CM codes"),
                               CatalogViews.icd10Page(query, results: query?.run() ?? [], errors: errors, form: form))
        return Layout.response(html, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }
}

extension API.Catalog {
    struct ICD10CodeResponse: Content {
        var code: String
        var description: String
        /// Billable in the latest release (false for headers and deleted codes).
        var billable: Bool
        var validFrom: String?
        var validTo: String?
        /// Whether the code may be reported on the searched date of service.
        var validOnDate: Bool
        var favourite: Bool
        var replacedBy: [String]
        var note: String?

        init(_ c: ICD10Code, on date: CalendarDate) {
            self.code = c.code
            self.description = c.description
            self.billable = c.billable
            self.validFrom = c.validFrom?.description
            self.validTo = c.validTo?.description
            self.validOnDate = c.isValid(on: date)
            self.favourite = ICD10Catalog.codes.isFavourite(c)
            self.replacedBy = c.replacedBy
            self.note = c.note.isEmpty ? nil : c.note
        }
    }

    struct ICD10SearchResponse: Content {
        var on: String
        var items: [ICD10CodeResponse]
    }

    @Sendable static func icd10(req: Request) async throws -> ICD10SearchResponse {
        let p = try API.query(CatalogController.ICD10Params.self, req)
        let query = try ICD10Query.parse(q: p.q, on: p.on, limit: p.limit, today: req.today)
        return ICD10SearchResponse(on: query.date.description, items: query.run().map { ICD10CodeResponse($0, on: query.date) })
    }
}
