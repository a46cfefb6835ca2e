"""Small sessions for the view tests: Danish and English labels, themes, ideas, and hostile text."""

from __future__ import annotations

from gmb.session.model import (
    Idea,
    IdeaTarget,
    Indicator,
    Link,
    Participant,
    Session,
    Story,
    Theme,
    Variable,
)

#: labels a participant might type; each would run script if inserted into HTML unescaped
HOSTILE = (
    '<img src=x onerror="window.gmbPwned=1"> href',
    '"><script>window.gmbPwned=2</script>',
    "</script><script>window.gmbPwned=3</script>",
    '<a href="javascript:window.gmbPwned=4">href</a>',
)


def small_session(*, hostile: bool = False) -> Session:
    """Seven variables (one feedback pair, one reinforcing and one balancing loop), two ideas, da + en."""
    variables = [
        Variable(id="trivsel", labels={"da": "Børns trivsel", "en": "Children's wellbeing"}, kind="stock",
                 themes=("mental",), description="Hvordan børnene har det", proposed_by="p1", stage="W1"),
        Variable(id="ensomhed", labels={"da": "Ensomhed", "en": "Loneliness"}, themes=("mental",),
                 proposed_by="p2", stage="W1"),
        Variable(id="faellesskab", labels={"da": "Fællesskaber", "en": "Communities"}, kind="stock",
                 themes=("faelles",)),
        Variable(id="frivillige", labels={"da": "Frivillige", "en": "Volunteers"}, themes=("faelles",)),
        Variable(id="udbraendthed", labels={"da": "Udbrændthed", "en": "Burnout"}, themes=("faelles",)),
        Variable(id="skaermtid", labels={"da": "Skærmtid", "en": "Screen time"}, kind="exogenous"),
        Variable(id="bevaegelse", labels={"da": "Bevægelse", "en": "Physical activity"}, themes=("mental",)),
    ]  # fmt: skip
    links = [
        Link(id="L1", cause="ensomhed", effect="trivsel", polarity="-", strength="strong", proposed_by="p1",
             supporters=("p2", "p3")),
        Link(id="L2", cause="faellesskab", effect="ensomhed", polarity="-", delay=True, strength="medium"),
        Link(id="L3", cause="trivsel", effect="faellesskab", polarity="+", strength="weak"),
        Link(id="L4", cause="frivillige", effect="faellesskab", polarity="+", strength="strong", disputers=("p3",)),
        Link(id="L5", cause="faellesskab", effect="frivillige", polarity="+", delay=True),
        Link(id="L6", cause="frivillige", effect="udbraendthed", polarity="+"),
        Link(id="L7", cause="udbraendthed", effect="frivillige", polarity="-", delay=True),
        Link(id="L8", cause="skaermtid", effect="bevaegelse", polarity="-"),
        Link(id="L9", cause="bevaegelse", effect="trivsel", polarity="+", evidence="Sundhedsprofil"),
        Link(id="L10", cause="skaermtid", effect="ensomhed", polarity="?"),
    ]  # fmt: skip
    ideas = [
        Idea(id="krea_cafe", labels={"da": "Krea-café", "en": "Craft café"}, votes=("p1", "p2", "p3"),
             targets=(IdeaTarget(variable="faellesskab"),), feasibility=4, working_group="Café-gruppen"),
        Idea(id="lan_fest", labels={"da": "LAN-fest"}, votes=("p2",),
             targets=(IdeaTarget(variable="skaermtid", direction="-"), IdeaTarget(variable="frivillige")),
             feasibility=2.5),
    ]  # fmt: skip
    if hostile:
        for i, text in enumerate(HOSTILE):
            variables.append(Variable(id=f"evil{i}", labels={"da": text, "en": text}, description=text))
            links.append(Link(id=f"LE{i}", cause=f"evil{i}", effect="trivsel", polarity="+", evidence=text))
        ideas.append(Idea(id="evil_idea", labels={"da": HOSTILE[0]}, description=HOSTILE[1],
                          targets=(IdeaTarget(variable="evil0"),)))  # fmt: skip
    participants = [
        Participant(id="p1", name="Åse", role="facilitator"),
        Participant(id="p2", name="Bjørn", role="participant", organisation="Havndal Skole"),
        Participant(id="p3", name=HOSTILE[1] if hostile else "Søren", role="resource_person"),
    ]
    return Session(
        title=HOSTILE[0] if hostile else "Trivsel i Havndal",
        place="Havndal",
        focus="Hvordan styrker vi børns trivsel?" if not hostile else HOSTILE[2],
        languages=("da", "en"),
        outcome="trivsel",
        participants=tuple(participants),
        indicators=(
            Indicator(
                id="i1",
                name="Overvægt ved skolestart",
                value="1 ud af 4",
                comparison="1 ud af 7 i Randers",
                source="Sundhedsplejen",
            ),
        ),
        variables=tuple(variables),
        links=tuple(links),
        themes=(
            Theme(id="mental", labels={"da": "Mental sundhed", "en": "Mental health"}),
            Theme(
                id="faelles",
                labels={"da": "Fællesskaber", "en": "Communities"},
                description=HOSTILE[0] if hostile else "",
            ),
        ),
        stories=(
            Story(
                id="s1",
                title="Frivillige brænder ud" if not hostile else HOSTILE[3],
                theme="faelles",
                text="Når de samme få ildsjæle bærer alt, brænder de ud." if not hostile else HOSTILE[0],
                variables=("frivillige", "udbraendthed"),
                author="p2",
            ),
        ),
        ideas=tuple(ideas),
    )
