"""Built-in education pages, shown until an operator edits them.

Figures quoted are from REFERENCE_FIGURES.md (GUS water use per person, the 2026 tariff zones)
and ``core.tariffs``.
"""

from __future__ import annotations

PAGES: dict[str, dict[str, tuple[str, str]]] = {
    "energia": {
        "pl": (
            "Oszczędzanie energii elektrycznej",
            "Sprawdź swoje zużycie w nocy: urządzenia w trybie czuwania, stare lodówki i "
            "zamrażarki pracują przez całą dobę. Każde 10 W stałego poboru to około 88 kWh "
            "rocznie, czyli blisko 100 zł przy cenie 1,10 zł/kWh brutto.\n\n"
            "W taryfach G12 i G12w energia jest tańsza w godzinach 22-6 i 13-15 (w G12w także "
            "w weekendy i święta). Pralkę, zmywarkę i ładowanie warto przenieść na te godziny.\n\n"
            "Portal liczy, która taryfa byłaby dla Ciebie najtańsza przy Twoim rzeczywistym "
            "profilu zużycia - zobacz zakładkę Porady.",
        ),
        "en": (
            "Saving electricity",
            "Check your night-time use: standby devices and old fridges and freezers run all "
            "day and night. Every 10 W of constant load is about 88 kWh a year, close to "
            "100 PLN at 1.10 PLN/kWh gross.\n\n"
            "Under G12 and G12w energy is cheaper 22-6 and 13-15 (with G12w also at weekends "
            "and on public holidays). Run the washing machine, the dishwasher and charging then."
            "\n\nThe portal computes which tariff would be cheapest on your actual profile - "
            "see the Tips tab.",
        ),
    },
    "woda": {
        "pl": (
            "Oszczędzanie wody",
            "Przeciętny mieszkaniec Polski zużywa około 97 litrów wody na dobę (GUS, 2024). "
            "Perlatory i oszczędne słuchawki prysznicowe zmniejszają zużycie o kilkanaście "
            "procent.\n\n"
            "Cieknąca spłuczka potrafi zużyć kilkaset litrów na dobę. Jeśli portal pokazuje "
            "przepływ wody w nocy, gdy nikt jej nie używa, sprawdź spłuczkę i krany.",
        ),
        "en": (
            "Saving water",
            "An average resident of Poland uses about 97 litres of water a day (GUS, 2024). "
            "Tap aerators and low-flow shower heads cut that by 10-20 percent.\n\n"
            "A leaking toilet cistern can waste several hundred litres a day. If the portal "
            "shows water flowing at night when nobody uses it, check the cistern and the taps.",
        ),
    },
    "odpady": {
        "pl": (
            "Segregacja odpadów",
            "W Kielcach odpady segregujemy na pięć frakcji: papier (niebieski), metale i "
            "tworzywa sztuczne (żółty), szkło (zielony), bio (brązowy) i zmieszane (czarny).\n\n"
            "Odpady zmieszane trafiają do Zakładu Unieszkodliwiania Odpadów w Promniku; dobrze "
            "posegregowane surowce wracają do obiegu, a z reszty powstaje paliwo RDF.",
        ),
        "en": (
            "Sorting waste",
            "In Kielce waste is sorted into five fractions: paper (blue), metals and plastics "
            "(yellow), glass (green), bio-waste (brown) and mixed waste (black).\n\n"
            "Mixed waste goes to the Promnik waste plant; well-sorted materials are recycled, "
            "and refuse-derived fuel (RDF) is made from the rest.",
        ),
    },
}
