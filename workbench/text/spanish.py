"""The Spanish language pack: the words the source rules, flags and splitter need.

Pure data plus the little code that generates verb forms. Verbs are listed once, as
infinitives, by what they do (say, believe, find); every third-person form a news text
uses is generated (present, preterite, imperfect, future, conditional, subjunctive,
participle, gerund), with the irregular and stem-changing forms given where Spanish has
them. Matching is accent-insensitive: pages drop accents ("afirmo" for "afirmó").
"""

import unicodedata

# Verbs whose subject is the source: "dijo el ministro", "Pascual aseguró que ...".
SPEECH = """
decir afirmar asegurar declarar explicar señalar indicar añadir agregar manifestar advertir
reconocer subrayar destacar precisar sostener opinar considerar criticar denunciar anunciar
informar revelar admitir negar comunicar recordar insistir aclarar confirmar estimar calcular
creer exclamar proseguir apuntar comentar matizar replicar responder puntualizar lamentar
reiterar expresar concluir argumentar defender alertar avisar enfatizar resaltar valorar
calificar tildar acusar reprochar garantizar prever pronosticar vaticinar juzgar entender
pensar suponer sospechar temer relatar contar narrar describir asegurar admitir
confesar denunciar desmentir rechazar refutar objetar agradecer felicitar elogiar alabar
condenar deplorar celebrar interpretar diagnosticar certificar atestiguar testificar
declarar manifestar insinuar sugerir opinar recalcar remarcar incidir apostillar zanjar
exponer detallar especificar informar notificar contestar coincidir discrepar divulgar
publicar difundir escribir twittear tuitear citar
""".split()

# Verbs that attribute only with a clause after them ("que ...") or a quotation: finding,
# showing, estimating; and the frames of D1 ("llegó a la conclusión de que").
EVIDENCE = "mostrar demostrar reflejar constatar concluir hallar".split()

# Irregular and stem-changing forms, third person (the generator adds the regular ones).
IRREGULAR = {
    "estar": "está están estuvo estuvieron estaba estaban",
    "llegar": "llegó llegaron llega llegan",
    "decir": "dice dicen dijo dijeron decía decían diga digan dicho dicha dichos dichas diciendo",
    "sostener": "sostiene sostienen sostuvo sostuvieron sostenga",
    "mantener": "mantiene mantienen mantuvo mantuvieron mantenga",
    "advertir": "advierte advierten advirtió advirtieron advirtiendo advierta",
    "manifestar": "manifiesta manifiestan manifieste",
    "negar": "niega niegan niegue",
    "recordar": "recuerda recuerdan recuerde",
    "contar": "cuenta cuentan cuente",
    "concluir": "concluye concluyen concluyó concluyeron concluyendo concluya",
    "creer": "creyó creyeron creyendo",
    "proseguir": "prosigue prosiguen prosiguió prosiguieron prosiguiendo prosiga",
    "sugerir": "sugiere sugieren sugirió sugirieron sugiriendo sugiera",
    "reconocer": "reconozca",
    "exponer": "expone exponen expuso expusieron expuesto ",
    "suponer": "supone suponen supuso supusieron supuesto",
    "prever": "prevé prevén previó previeron previsto prevea",
    "entender": "entiende entienden entienda",
    "pensar": "piensa piensan piense",
    "confesar": "confiesa confiesan confiese",
    "describir": "descrito",
    "escribir": "escrito",
    "defender": "defiende defienden defienda",
    "refutar": "",
    "mostrar": "muestra muestran muestre",
    "demostrar": "demuestra demuestran demuestre",
    "hallar": "",
    "discrepar": "",
    "desmentir": "desmiente desmienten desmintió desmintieron desmintiendo",
    "atestiguar": "atestigua atestiguan",
    "responder": "",
    "apostillar": "",
}

# "Según X", "de acuerdo con X", "a juicio de X": the source follows.
ACCORDING_TO = (
    "según",
    "de acuerdo con",
    "a juicio de",
    "en palabras de",
    "en opinión de",
    "a decir de",
    "conforme a",
    "en declaraciones de",
)
# "a su juicio", "en su opinión": the last speaker.
POSSESSIVE_FRAMES = ("a su juicio", "en su opinión", "a su entender", "según él", "según ella")
# "dijo a EFE", "en declaraciones a la agencia X": the medium, not the source.
MEDIUM_AFTER = ("a", "en declaraciones a", "en una entrevista con", "citado por", "citada por")

PRONOUNS = {
    "él": "he",
    "ella": "she",
    "ellos": "they",
    "ellas": "they",
    "éste": "he",
    "ésta": "she",
}
DETERMINERS = frozenset(
    """
    el la los las un una unos unas este esta estos estas ese esa esos esas aquel aquella
    su sus otro otra otros otras varios varias algunos algunas muchos muchas numerosos
    numerosas dos tres cuatro cinco seis siete ocho nueve diez cientos miles ambos ambas
    dicho dicha dichos dichas cuyo cuya todos todas cada la mayoría mayoría parte
    """.split()
)
# Words that may stand between a subject and its verb ("Pascual también aseguró hoy").
BETWEEN = frozenset(
    """
    hoy ayer también además ya no sí asimismo luego después entonces anoche mañana
    finalmente incluso tampoco igualmente nuevamente siempre recientemente posteriormente
    le les nos me te se
    """.split()
)
# Prepositions that a name's words may be joined by ("Alta Comisaría de las Naciones").
NAME_JOINERS = frozenset("de del la las los para sobre".split())

# Common nouns by what they name (singular; plurals are generated).
PERSON_NOUNS = """
portavoz ministro ministra presidente presidenta vicepresidente vicepresidenta secretario
secretaria director directora responsable dirigente líder jugador jugadora entrenador
entrenadora técnico abogado abogada fiscal juez jueza agente vecino vecina habitante
trabajador trabajadora empleado empleada miembro representante funcionario funcionaria
médico médica científico científica investigador investigadora economista profesor
profesora periodista corresponsal especialista experto experta analista observador
observadora activista manifestante ciudadano ciudadana votante socio socia accionista
directivo directiva ejecutivo consejero consejera delegado delegada embajador embajadora
enviado enviada mediador mediadora negociador negociadora capitán capitana comandante
general coronel soldado militar diputado diputada senador senadora alcalde alcaldesa
concejal concejala gobernador gobernadora rey reina príncipe princesa jefe jefa titular
testigo víctima superviviente residente colaborador colaboradora asesor asesora escolta
delantero delantera defensa centrocampista portero portera árbitro seleccionador
seleccionadora piloto sindicalista empresario empresaria banquero banquera inversor
inversora agricultor agricultora estudiante alumno alumna padre madre hijo hija hermano
hermana esposo esposa viuda familiar vocero vocera canciller premier mandatario
mandataria candidato candidata militante fundador fundadora autor autora escritor
fuente
escritora historiador historiadora arqueólogo arqueóloga sacerdote obispo arzobispo
cardenal papa imán rabino policía guardia bombero bombera paramédico enfermero enfermera
""".split()
GROUP_NOUNS = "equipo familia mayoría minoría multitud público plantilla grupo".split()
INSTITUTION_NOUNS = """
gobierno ejecutivo ministerio policía ejército empresa compañía partido sindicato oposición
ayuntamiento tribunal comisión consejo agencia organización asociación diario periódico
cadena emisora televisión radio universidad banco club federación país estado ciudad
parlamento congreso senado cámara junta comité institución instituto fundación bolsa
aerolínea firma grupo entidad autoridad autoridades organismo delegación oficina
embajada consulado hospital fiscalía audiencia corte fuerzas armada armada marina
""".split()
DOCUMENT_NOUNS = """
informe estudio encuesta encuestas comunicado nota sentencia auto documento carta datos
cifras estadística estadísticas balance resolución decreto ley texto declaración memoria
análisis sondeo sondeos investigación publicación artículo editorial versión
""".split()

# Capitalised words that make a name an organisation.
ORGANIZATION_CUES = frozenset(
    """
    Gobierno Ministerio Partido Comisión Consejo Banco Universidad Asociación Agencia
    Fundación Ayuntamiento Tribunal Ejército Policía Guardia Cámara Congreso Senado
    Parlamento Federación Confederación Sindicato Unión Organización Instituto Oficina
    Departamento Secretaría Dirección Junta Comité Alianza Frente Movimiento Grupo Compañía
    Empresa Sociedad Corporación Club Cadena Radio Televisión Diario Periódico Bolsa
    Comunidad Naciones Estado Estados Fuerza Fuerzas Mesa Generalitat Xunta Asamblea
    Audiencia Fiscalía Defensoría Comisaría Observatorio Servicio Hospital Exchange Press
    Times News Airlines Coordinadora Plataforma Consorcio Administración Cruz Media
    Ministry Association Council Committee Agency Union Party
    """.split()
)
# Countries and regions that speak as organisations ("Austria ha comunicado").
PLACES = frozenset(
    """
    España Francia Alemania Italia Portugal Austria Suecia Finlandia Irlanda Dinamarca
    Bélgica Holanda Grecia Polonia Rusia Ucrania China Japón India Pakistán Irán Irak
    Israel Palestina Egipto Marruecos Argelia Túnez Libia Turquía Siria Líbano Jordania
    Arabia Yemen Afganistán Indonesia Filipinas Australia Canadá México Cuba Venezuela
    Colombia Ecuador Perú Bolivia Chile Argentina Uruguay Paraguay Brasil Nicaragua
    Honduras Guatemala Panamá Costa Salvador Dominicana Haití Europa África Asia América
    Londres París Madrid Berlín Roma Bruselas Washington Moscú Pekín Tokio Barcelona
    Timor Kosovo Serbia Croacia Bosnia Albania Rumanía Bulgaria Hungría Chequia Noruega
    Suiza Luxemburgo Escocia Gales Inglaterra Estados Unidos Corea Vietnam Tailandia Birmania
    Nigeria Kenia Sudán Etiopía Somalia Sudáfrica Angola Mozambique Congo Senegal Malí
    """.split()
)
# Titles before a name, stripped from it and kept as roles.
TITLES = frozenset(
    """
    don doña sr sr. sra sra. señor señora dr dr. dra dra. doctor doctora general coronel
    capitán comandante teniente sargento padre monseñor fray sor rey reina príncipe
    princesa presidente presidenta ministro ministra alcalde alcaldesa
    """.split()
)
FEMININE = frozenset(
    "ella ministra presidenta directora secretaria jefa doña sra sra. señora".split()
)
MASCULINE = frozenset("él ministro presidente director secretario jefe don sr sr. señor".split())

# Impersonal and agentless forms: "se informó", "se cree" (annotation notes S3).
IMPERSONAL = frozenset({"se"})
# Words before an infinitive that make it one speaker's act: "se apresuró a decir".
INFINITIVE_FRAMES = frozenset({"apresuró", "apresuraron", "limitó", "limitaron", "atrevió"})
# Words that open an aside between a subject and its verb ("Posse, por su parte, cree").
ASIDES = frozenset(
    "por además asimismo también sin embargo no obstante tras mientras según quien "
    "quienes que".split()
)
# Prepositions that end a source's phrase ("el primer ministro en su intervención").
PREPOSITIONS = frozenset(
    "a ante bajo con contra desde durante en entre hacia hasta mediante para por según "
    "sin sobre tras".split()
)
# Nouns after which a short quoted name is the name of an outlet or a work:
# el diario "Le Figaro", el canal televisivo "LCI".
MEDIA_NOUNS = frozenset(
    "diario periódico canal cadena emisora revista semanario rotativo programa agencia "
    "televisión radio".split()
)

# Flags: how dates, years and amounts are written ("31 de septiembre de 2015", "el martes",
# "en 2015", "tres millones").
YEAR_CONTEXT = "en desde hasta de del durante antes después entre año años".split()
SPELLED_QUANTITIES = (
    "dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince veinte "
    "treinta cuarenta cincuenta sesenta setenta ochenta noventa cien cientos ciento mil "
    "miles millón millones billón billones docena docenas decena decenas centenar "
    "centenares mitad"
).split()
QUOTE_INTRODUCERS = (
    "dijo dice afirmó afirma aseguró asegura declaró declara señaló señala indicó indica "
    "añadió añade explicó explica advirtió advierte manifestó exclamó comentó"
).split()

MONTHS = (
    "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre "
    "noviembre diciembre"
).split()
WEEKDAYS = "lunes martes miércoles jueves viernes sábado domingo".split()


def fold(text: str) -> str:
    """Lower case without accents: "Afirmó" -> "afirmo" (matching only; offsets keep)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")


def verb_forms(infinitive: str) -> set[str]:
    """Every third-person form (and participle and gerund) of a Spanish verb, folded."""
    stem, ending = infinitive[:-2], infinitive[-2:]
    # No future or conditional: "comunicará su aportación" has not been said yet.
    if ending == "ar":
        forms = ["a", "an", "ó", "aron", "aba", "aban", "ado", "ada", "ados", "adas", "ando"]
    else:
        forms = ["e", "en", "ió", "ieron", "ía", "ían", "ido", "ida", "idos", "idas", "iendo"]
    found = {fold(stem + suffix) for suffix in forms}
    found.update(fold(form) for form in IRREGULAR.get(infinitive, "").split())
    found.add(fold(infinitive))  # only after "a" in a frame: "se apresuró a decir"
    return found


# Phrases that act as a verb of saying: "llegó a la conclusión de que", "expresó su
# opinión de que" (annotation notes D1), as (infinitive, the words after it).
PHRASES = (
    ("llegar", "a la conclusión"),
    ("expresar", "su opinión"),
    ("estar", "seguro"),
    ("estar", "convencido"),
    ("coincidir", "en"),
)


def noun_plural(noun: str) -> str:
    if noun.endswith(("s", "x")):
        return noun
    if noun.endswith("z"):
        return noun[:-1] + "ces"
    if noun[-1] in "aeiouáéó":
        return noun + "s"
    return fold(noun) + "es" if noun[-1] == "n" and noun[-2:-1] in "áéíóú" else noun + "es"
