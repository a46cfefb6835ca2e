"""The session report's words in each language (English and Danish).

Kept apart from :mod:`gmb.views.report`, which builds the page, because the wording is long and
edited on its own (a translator need not read the code); :mod:`gmb.views.report` re-exports
:data:`REPORT_WORDS`.

>>> sorted(REPORT_WORDS), set(REPORT_WORDS["en"]) == set(REPORT_WORDS["da"])
(['da', 'en'], True)
"""

from __future__ import annotations

__all__ = ["REPORT_WORDS"]

REPORT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "report": "Session report", "caveat_title": "Read this first: the results are exploratory",
        "caveat": "The map is the group's shared picture of what causes what. It is not a proven model. "
                  "The loops and paths below follow from the links people drew; the simulations turn that "
                  "picture into numbers with the assumptions listed in this report. They show what could "
                  "happen if those assumptions hold — they are not predictions and not evidence that an idea "
                  "works. Use them to discuss, to choose what to try, and to decide what to measure.",
        "focus": "Focus and starting point", "focus_q": "Focus question", "place": "Place", "dates": "Dates",
        "outcome": "Outcome", "indicators": "W0 indicators (the data the group saw)", "indicator": "Indicator",
        "value": "Value", "comparison": "Comparison", "source": "Source", "stages": "Workshops",
        "participants": "Participants by role", "map": "The map", "open_map": "Open the map full screen (map.html)",
        "themes": "Themes and stories", "variables": "Variables", "stories": "Stories",
        "other_stories": "Other stories",
        "by": "told by", "loops": "Key feedback loops", "loops_found": "{n} loops of up to {k} links: {r} reinforcing, "
        "{b} balancing, {u} with a link of unknown sign.", "loops_truncated": "The list stopped at {n} loops; "
        "longer or further loops exist.", "no_loops": "No feedback loops of up to {k} links.",
        "polarity": "Type", "length": "Links", "loop": "Loop", "show_loop": "Show it on the map",
        "ideas": "Ideas and their paths to the outcome", "idea": "Idea", "acts_on": "Acts on", "votes": "Votes",
        "feasibility": "Feasibility", "working_group": "Working group", "verdict": "Along the map",
        "paths": "paths", "no_ideas": "The idea bank is empty.", "assumptions": "Assumptions of the conversion",
        "scenarios": "Scenario results", "behaviour": "Behaviour over time", "ranking": "Ideas ranked",
        "attribution": "Who contributed what: attribution of the bundle", "missing": "Not available yet",
        "missing_text": "{what} is missing ({file}). Run: {cmd}", "unreadable": "Could not read {file}: {why}",
        "no_robustness": "Which single links the verdicts rest on is not in this ranking; run {cmd} again (it "
                         "checks them by default) or {cmd2}.",
        "positive": "raises the outcome", "negative": "lowers the outcome", "mixed": "mixed: some paths raise it, "
        "some lower it", "unknown": "unknown: a path has a link with no sign", "no path": "no path to the outcome",
        "no outcome": "the map has no outcome variable", "none": "—", "R": "reinforcing (R)", "B": "balancing (B)",
        "unsigned": "sign unknown", "generated": "Made with gmb", "horizon": "horizon", "runs": "runs", "seed": "seed",
        "more_paths": "{n} more paths",
        "path_counts": "{r} paths of up to {k} links raise it, {l} lower it, {u} unknown",
        "paths_stopped": "the search stopped before it found them all",
        "no_theme": "no theme", "all_loops": "all loops", "n_loops": "number of loops",
        "total": "total", "facilitator": "facilitators", "modeller": "modellers", "recorder": "recorders",
        "participant": "participants", "resource_person": "resource persons",
    },
    "da": {
        "report": "Rapport", "caveat_title": "Læs dette først: resultaterne er udforskende",
        "caveat": "Kortet er gruppens fælles billede af, hvad der påvirker hvad. Det er ikke en bevist model. "
                  "Sløjferne og vejene nedenfor følger af de pile, deltagerne tegnede; simuleringerne gør "
                  "billedet til tal med de antagelser, som rapporten viser. De viser, hvad der kunne ske, hvis "
                  "antagelserne holder — de er ikke forudsigelser og ikke bevis for, at en idé virker. Brug dem "
                  "til at drøfte, til at vælge hvad der skal afprøves, og til at beslutte hvad der skal måles.",
        "focus": "Fokus og udgangspunkt", "focus_q": "Fokusspørgsmål", "place": "Sted", "dates": "Datoer",
        "outcome": "Mål", "indicators": "W0-indikatorer (de data gruppen så)", "indicator": "Indikator",
        "value": "Værdi", "comparison": "Sammenligning", "source": "Kilde", "stages": "Workshops",
        "participants": "Deltagere efter rolle", "map": "Kortet", "open_map": "Åbn kortet i fuld skærm (map.html)",
        "themes": "Temaer og fortællinger", "variables": "Variable", "stories": "Fortællinger",
        "other_stories": "Andre fortællinger", "by": "fortalt af", "loops": "Vigtige feedback-sløjfer",
        "loops_found": "{n} sløjfer med op til {k} pile: {r} forstærkende, {b} balancerende, {u} med en pil "
        "med ukendt fortegn.", "loops_truncated": "Listen stoppede ved {n} sløjfer; der findes flere.",
        "no_loops": "Ingen feedback-sløjfer med op til {k} pile.", "polarity": "Type", "length": "Pile",
        "loop": "Sløjfe", "show_loop": "Vis den på kortet", "ideas": "Idéer og deres veje til målet",
        "idea": "Idé", "acts_on": "Virker på", "votes": "Stemmer", "feasibility": "Gennemførlighed",
        "working_group": "Arbejdsgruppe", "verdict": "Ifølge kortet", "paths": "veje",
        "no_ideas": "Idébanken er tom.", "assumptions": "Antagelser i omsætningen til en model",
        "scenarios": "Resultater af scenarier", "behaviour": "Udvikling over tid", "ranking": "Idéer rangeret",
        "attribution": "Hvem bidrog med hvad: fordeling af pakkens virkning", "missing": "Ikke tilgængelig endnu",
        "missing_text": "{what} mangler ({file}). Kør: {cmd}", "unreadable": "Kunne ikke læse {file}: {why}",
        "no_robustness": "Hvilke enkelte forbindelser dommene hviler på, står ikke i denne rangering; kør {cmd} igen "
                         "(den tjekker dem som standard) eller {cmd2}.",
        "positive": "hæver målet", "negative": "sænker målet", "mixed": "blandet: nogle veje hæver, andre sænker",
        "unknown": "ukendt: en vej har en pil uden fortegn", "no path": "ingen vej til målet",
        "no outcome": "kortet har ingen målvariabel", "none": "—", "R": "forstærkende (R)",
        "B": "balancerende (B)", "unsigned": "fortegn ukendt", "generated": "Lavet med gmb", "horizon": "horisont",
        "runs": "kørsler", "seed": "seed", "more_paths": "{n} veje mere",
        "path_counts": "{r} veje med op til {k} pile hæver, {l} sænker, {u} ukendt",
        "paths_stopped": "søgningen stoppede, før den fandt dem alle", "no_theme": "intet tema",
        "all_loops": "alle sløjfer", "n_loops": "antal sløjfer", "total": "i alt", "facilitator": "facilitatorer",
        "modeller": "modellører", "recorder": "referenter", "participant": "deltagere",
        "resource_person": "ressourcepersoner",
    },
}  # fmt: skip
