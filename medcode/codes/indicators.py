"""What the coded fields of the HCPCS file mean, in our words (from CMS's record layout)."""

COVERAGE_CODES = {
    "C": "Medicare contractor decides coverage case by case",
    "D": "Covered only under special coverage instructions",
    "I": "Not payable by Medicare (another code is used)",
    "M": "Not covered by Medicare",
    "S": "Not covered by Medicare by statute",
}

ACTION_CODES = {
    "A": "Code added",
    "B": "Administrative data and long description changed",
    "C": "Long description changed",
    "D": "Code discontinued",
    "F": "Administrative data changed",
    "N": "No change this release",
    "P": "Payment data changed",
    "R": "Discontinued code reactivated",
    "S": "Short description changed",
    "T": "Miscellaneous change (BETOS, type of service)",
}

PRICING_INDICATORS = {
    "00": "Not separately priced under Part B",
    "11": "Priced from national RVUs (physician fee schedule)",
    "12": "Priced from national anesthesia base units",
    "13": "Priced by the Medicare contractor",
    "21": "Clinical lab: subject to the national limitation amount",
    "22": "Clinical lab: priced by the Medicare contractor",
    "31": "DME frequently serviced (floors and ceilings apply)",
    "32": "DME inexpensive or routinely purchased (floors and ceilings apply)",
    "33": "Oxygen and oxygen equipment (floors and ceilings apply)",
    "34": "DME supplies (floors and ceilings apply)",
    "35": "Surgical dressings (floors and ceilings apply)",
    "36": "Capped rental DME (floors and ceilings apply)",
    "37": "Ostomy, tracheostomy and urological supplies (floors and ceilings apply)",
    "38": "Orthotics, prosthetics and vision services (floors and ceilings apply)",
    "39": "Parenteral and enteral nutrition",
    "40": "Lymphedema compression treatment items",
    "45": "Customized DME",
    "46": "DME priced by the Medicare contractor",
    "51": "Drugs",
    "52": "Reasonable charge",
    "53": "Priced by statute",
    "54": "Vaccinations",
    "55": "Splints and casts",
    "56": "Intraocular lenses inserted in a physician's office",
    "57": "Other contractor-priced item",
    "99": "No value established",
}
