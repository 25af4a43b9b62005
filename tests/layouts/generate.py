#!/usr/bin/env python3
"""Renders texts of our own into the layouts councils publish, as Word documents
exported to PDF by LibreOffice, tagged and untagged, each with its block list as
ground truth.

    pip install python-docx
    apt-get install libreoffice-writer-nogui fonts-liberation2
    python3 tests/layouts/generate.py            # writes tests/layouts/out/

For every layout and style (NAME = layout-style) it writes:
  out/NAME.tagged.pdf     exported with "Tagged PDF" on (Word's default)
  out/NAME.untagged.pdf   the same document, untagged
  out/NAME.truth.json     {"blocks": [{"kind", "level", "text"}...],
                           "furniture": [strings that must not appear]}

The text is ours: sentences written for these fixtures about a fictional council,
in the register plans use, never copied from ../shared. Generation is
deterministic (a fixed seed picks the sentences of each paragraph), so a re-run
gives the same truth files; the PDFs differ only in their timestamps.
"""

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("PLANSIFT_LAYOUTS_OUT", HERE / "out"))

SENTENCES = [
    "Our customer service centre now resolves most enquiries at the first point of contact.",
    "We merged three back-office teams into one shared service with a single manager.",
    "Residents can report a missed bin, pay a charge or book a collection online at any hour.",
    "The new planning portal cut the average time to validate an application from nine days to four.",
    "We redesigned the housing options service around early advice, which has reduced the number of households in temporary accommodation.",
    "Every service review starts with what residents told us about the service they received.",
    "A single view of each household lets officers see which services a family already receives.",
    "We moved our finance and payroll systems to a hosted platform and retired two ageing servers.",
    "Automated matching of invoices to orders releases staff time for work that needs judgement.",
    "Our data team publishes a monthly dashboard that councillors use to question performance.",
    "We are piloting software that drafts case notes from recorded conversations, with staff checking every note.",
    "Sharing data with the health trust is slowed by agreements that each take months to sign.",
    "Spending on agency workers fell by a fifth last year as we filled long-standing vacancies.",
    "Every request to hire a consultant now goes to a weekly panel chaired by a director.",
    "We renegotiated the leisure contract and saved a quarter of a million pounds a year.",
    "Office space no longer needed since hybrid working began has been let to partner organisations.",
    "We buy stationery, vehicles and energy through regional frameworks to secure better prices.",
    "Each directorate reports its savings against plan to the leadership team every month.",
    "Funding settlements for a single year make it hard to commit to projects that pay back over five.",
    "Competitive bidding for small grants takes officer time out of all proportion to the sums involved.",
    "New duties arrive without the money to carry them out, and the gap falls on local taxpayers.",
    "Ring-fenced grants stop us moving money to where the need is greatest.",
    "The rules on council tax referendums limit what we can raise locally to protect services.",
    "We would welcome a single reporting return in place of the many that departments ask for now.",
    "Recruitment to planning and environmental health posts remains difficult across the district.",
    "The cost of placements for children with complex needs has risen faster than any other budget.",
    "We share a chief executive and a management team with our neighbouring district.",
    "Town and parish councils help us keep open spaces and public toilets open.",
    "The waste partnership with two neighbouring councils runs one fleet from a single depot.",
    "We trained two hundred staff in process improvement and they led forty reviews last year.",
]

COUNCIL = "Northbridge District Council"
RUNNING_HEADER = "Northbridge District Council Productivity Plan 2024"


def sentences(rng, n):
    return " ".join(rng.sample(SENTENCES, n))


class Truth:
    """The blocks a document holds, in reading order, as a reader would list them."""

    def __init__(self):
        self.blocks = []
        self.furniture = []

    def heading(self, level, text):
        self.blocks.append({"kind": "heading", "level": level, "text": text})

    def para(self, text):
        self.blocks.append({"kind": "paragraph", "level": None, "text": text})

    def item(self, text):
        self.blocks.append({"kind": "list_item", "level": None, "text": text})

    def row(self, cells):
        self.blocks.append({"kind": "table_row", "level": None, "text": " | ".join(cells)})


# Each layout is rendered in every style: the font, body size, heading sizes and
# margins councils' templates vary in.
STYLES = {
    "sans": {"font": "Liberation Sans", "body": 11, "headings": (18, 14, 12), "margin": 2.2},
    "serif": {"font": "Liberation Serif", "body": 10.5, "headings": (16, 13, 11.5), "margin": 2.6},
    "dejavu": {"font": "DejaVu Sans", "body": 10, "headings": (15, 12.5, 11), "margin": 2.0},
}
STYLE = STYLES["sans"]


def new_document():
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = STYLE["font"]
    style.font.size = Pt(STYLE["body"])
    for name, size in zip(["Heading 1", "Heading 2", "Heading 3"], STYLE["headings"]):
        doc.styles[name].font.name = STYLE["font"]
        doc.styles[name].font.size = Pt(size)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(STYLE["margin"])
    section.top_margin = section.bottom_margin = Cm(STYLE["margin"])
    return doc


def page_number_field(paragraph):
    run = paragraph.add_run()
    for kind, text in [("begin", None), (None, "PAGE"), ("end", None)]:
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def running_header_and_footer(doc, truth):
    section = doc.sections[0]
    section.header.paragraphs[0].text = RUNNING_HEADER
    footer = section.footer.paragraphs[0]
    footer.text = f"{COUNCIL} "
    page_number_field(footer)
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    truth.furniture += [RUNNING_HEADER, f"{COUNCIL} 1", f"{COUNCIL} 2"]


def columns(section, count, space_cm=1.0):
    cols = section._sectPr.xpath("./w:cols")
    element = cols[0] if cols else OxmlElement("w:cols")
    element.set(qn("w:num"), str(count))
    element.set(qn("w:space"), str(int(space_cm * 567)))
    if not cols:
        section._sectPr.append(element)


def borders(paragraph):
    pPr = paragraph._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "8")
        edge.set(qn("w:space"), "4")
        edge.set(qn("w:color"), "333333")
        bdr.append(edge)
    pPr.append(bdr)


def frame(paragraph, width_cm, x_cm, y_cm):
    """Makes a paragraph a floating box the body text wraps around (Word's frames)."""
    pPr = paragraph._p.get_or_add_pPr()
    fp = OxmlElement("w:framePr")
    fp.set(qn("w:w"), str(int(width_cm * 567)))
    fp.set(qn("w:hSpace"), "284")
    fp.set(qn("w:wrap"), "around")
    fp.set(qn("w:vAnchor"), "page")
    fp.set(qn("w:hAnchor"), "page")
    fp.set(qn("w:x"), str(int(x_cm * 567)))
    fp.set(qn("w:y"), str(int(y_cm * 567)))
    pPr.insert(0, fp)


def ruled_table(doc, truth, rows, widths=None):
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    if widths:
        table.autofit = False
        for column, width in zip(table.columns, widths):
            column.width = Cm(width)
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            cell = table.cell(r, c)
            cell.text = text
            if widths:
                cell.width = Cm(widths[c])
        truth.row(cells)
    return table


def add_heading(doc, truth, level, text):
    doc.add_heading(text, level=level)
    truth.heading(level, text)


def add_para(doc, truth, text, justify=False):
    p = doc.add_paragraph(text)
    if justify:
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    truth.para(text)
    return p


def add_item(doc, truth, text):
    doc.add_paragraph(text, style="List Bullet")
    truth.item(text)


QUESTIONS = [
    "1. How have you transformed the way you design and deliver services to make better use of resources?",
    "2. How do you plan to take advantage of technology and make better use of data to improve decision making, service design and use of resources?",
    "3. What are your plans to reduce wasteful spend within your organisation and systems?",
    "4. What are the barriers preventing progress that the government can help to reduce or remove?",
]


def numbered_questions(rng):
    """Plan answering the letter's four questions, each a numbered question set as a
    heading; a running header and a "<Council> <page>" footer on two pages."""
    doc, truth = new_document(), Truth()
    running_header_and_footer(doc, truth)
    add_heading(doc, truth, 1, "Productivity Plan")
    add_para(doc, truth, sentences(rng, 2))
    for q in QUESTIONS:
        add_heading(doc, truth, 2, q)
        for _ in range(2):
            add_para(doc, truth, sentences(rng, 3))
        if q.startswith("4."):
            for _ in range(3):
                add_item(doc, truth, sentences(rng, 1))
    return doc, truth


def one_page(rng):
    """A one-page plan: its running header and page footer appear once only."""
    doc, truth = new_document(), Truth()
    running_header_and_footer(doc, truth)
    truth.furniture = [RUNNING_HEADER, f"{COUNCIL} 1"]
    add_heading(doc, truth, 1, "Our productivity plan in brief")
    for _ in range(3):
        add_para(doc, truth, sentences(rng, 3))
    add_heading(doc, truth, 2, "What we ask of government")
    for _ in range(3):
        add_item(doc, truth, sentences(rng, 1))
    return doc, truth


def two_columns_with_table(rng):
    """Two-column pages where one column holds a key-value table."""
    doc, truth = new_document(), Truth()
    add_heading(doc, truth, 1, "Delivering better value")
    add_para(doc, truth, sentences(rng, 2))
    body = doc.add_section(WD_SECTION.CONTINUOUS)
    columns(body, 2)
    add_heading(doc, truth, 2, "Where our money goes")
    for _ in range(3):
        add_para(doc, truth, sentences(rng, 3))
    ruled_table(
        doc,
        truth,
        [
            ["Measure", "2023/24"],
            ["Agency staff spend", "£1.2m"],
            ["Consultancy spend", "£0.4m"],
            ["Savings delivered", "£2.9m"],
            ["Staff in post", "412"],
        ],
        widths=[4.5, 3.0],
    )
    add_heading(doc, truth, 2, "What we will do next")
    for _ in range(4):
        add_para(doc, truth, sentences(rng, 3))
    return doc, truth


def sidebar_box(rng):
    """Body text beside a boxed sidebar that floats at the right of the page."""
    doc, truth = new_document(), Truth()
    section = doc.sections[0]
    section.right_margin = Cm(2.2)
    add_heading(doc, truth, 1, "Using technology and data")
    box_title = doc.add_paragraph()
    box_title.add_run("Case study: online forms").bold = True
    frame(box_title, 6.0, 13.2, 5.0)
    borders(box_title)
    box_text = doc.add_paragraph(sentences(rng, 2))
    frame(box_text, 6.0, 13.2, 5.0)
    borders(box_text)
    # The box is its own block: a paragraph under the page's heading, its title a
    # paragraph too (a bold line in a box heads nothing outside it).
    truth.para("Case study: online forms")
    truth.para(box_text.text)
    for _ in range(4):
        add_para(doc, truth, sentences(rng, 4))
    add_heading(doc, truth, 2, "Next steps")
    for _ in range(2):
        add_para(doc, truth, sentences(rng, 3))
    return doc, truth


def text_between_tables(rng):
    """Paragraphs standing between two ruled tables."""
    doc, truth = new_document(), Truth()
    add_heading(doc, truth, 1, "Savings and spending")
    ruled_table(doc, truth, [["Programme", "Saving"], ["Shared services", "£650k"], ["Leisure contract", "£250k"]])
    for _ in range(2):
        add_para(doc, truth, sentences(rng, 2))
    ruled_table(doc, truth, [["Spend", "Amount"], ["Agency", "£1.1m"], ["Consultants", "£0.3m"]])
    add_para(doc, truth, sentences(rng, 3))
    return doc, truth


def justified_columns(rng):
    """Justified text in three narrow columns: wide word gaps are not column gaps."""
    doc, truth = new_document(), Truth()
    add_heading(doc, truth, 1, "Reducing wasteful spend")
    body = doc.add_section(WD_SECTION.CONTINUOUS)
    columns(body, 3, 0.6)
    for _ in range(9):
        add_para(doc, truth, sentences(rng, 3), justify=True)
    return doc, truth


def short_last_column(rng):
    """Two columns over two pages; the last page's right column holds two short
    paragraphs only."""
    doc, truth = new_document(), Truth()
    add_heading(doc, truth, 1, "Barriers to productivity")
    body = doc.add_section(WD_SECTION.CONTINUOUS)
    columns(body, 2)
    for n in range(15):
        if n in (5, 11):
            add_heading(doc, truth, 2, ["Funding", "Workforce"][n // 6])
        add_para(doc, truth, sentences(rng, 3))
    return doc, truth


def key_value_table(rng):
    """A borderless table of labels and values in the body, as plans set out their
    figures, between paragraphs."""
    doc, truth = new_document(), Truth()
    add_heading(doc, truth, 1, "Our workforce and spending")
    add_para(doc, truth, sentences(rng, 3))
    rows = [["Agency and interim staff", "£2.4m"], ["Consultancy", "£0.6m"], ["EDI spend", "£18k"],
            ["Trade union facility time", "0.1% of the paybill"]]
    table = doc.add_table(rows=len(rows), cols=2)
    table.autofit = False
    for column, width in zip(table.columns, [8.0, 5.0]):
        column.width = Cm(width)
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
        truth.row(cells)
    for _ in range(2):
        add_para(doc, truth, sentences(rng, 3))
    return doc, truth


def running_furniture_pages(rng):
    """Three pages with a running header, a "Page N of 3" footer, and paragraphs
    that run on from one page to the next."""
    doc, truth = new_document(), Truth()
    section = doc.sections[0]
    section.header.paragraphs[0].text = RUNNING_HEADER
    footer = section.footer.paragraphs[0]
    footer.text = "Page "
    page_number_field(footer)
    footer.add_run(" of 3")
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    truth.furniture += [RUNNING_HEADER, "Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]
    add_heading(doc, truth, 1, "Productivity Plan 2024/25")
    for n in range(14):
        if n % 5 == 0:
            add_heading(doc, truth, 2, ["Services", "Technology", "Spending"][n // 5])
        add_para(doc, truth, sentences(rng, 4))
    return doc, truth


def lists_and_numbered_headings(rng):
    """Numbered section headings with numbered sub-headings, bullets and a
    numbered list."""
    doc, truth = new_document(), Truth()
    add_heading(doc, truth, 1, "1. Transforming our services")
    add_para(doc, truth, sentences(rng, 2))
    add_heading(doc, truth, 2, "1.1 Customer access")
    for _ in range(3):
        add_item(doc, truth, sentences(rng, 1))
    add_heading(doc, truth, 2, "1.2 Shared services")
    add_para(doc, truth, sentences(rng, 3))
    for _ in range(3):
        text = sentences(rng, 1)
        doc.add_paragraph(text, style="List Number")
        truth.item(text)
    add_heading(doc, truth, 1, "2. Technology and data")
    add_para(doc, truth, sentences(rng, 3))
    return doc, truth


LAYOUTS = {
    "numbered-questions": numbered_questions,
    "one-page": one_page,
    "two-columns-table": two_columns_with_table,
    "sidebar-box": sidebar_box,
    "text-between-tables": text_between_tables,
    "justified-columns": justified_columns,
    "short-last-column": short_last_column,
    "lists-and-numbering": lists_and_numbered_headings,
    "key-value-table": key_value_table,
    "running-furniture": running_furniture_pages,
}


def export(docx: Path, pdf: Path, tagged: bool, work: Path):
    flag = "true" if tagged else "false"
    filter_options = f'pdf:writer_pdf_Export:{{"UseTaggedPDF":{{"type":"boolean","value":"{flag}"}}}}'
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to", filter_options,
         "--outdir", str(work), str(docx)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    shutil.move(work / (docx.stem + ".pdf"), pdf)


def main():
    global STYLE
    if shutil.which("soffice") is None:
        sys.exit("generate.py: LibreOffice (soffice) is not on PATH")
    OUT.mkdir(exist_ok=True)
    only = set(sys.argv[1:])
    jobs = [(layout, style) for style in STYLES for layout in LAYOUTS]
    for index, (layout, style) in enumerate(jobs):
        name = f"{layout}-{style}"
        if only and layout not in only and name not in only:
            continue
        STYLE = STYLES[style]
        rng = random.Random(1000 + index)
        doc, truth = LAYOUTS[layout](rng)
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            docx = work / f"{name}.docx"
            doc.save(docx)
            for tagged in (True, False):
                export(docx, OUT / f"{name}.{'tagged' if tagged else 'untagged'}.pdf", tagged, work)
        (OUT / f"{name}.truth.json").write_text(
            json.dumps({"layout": name, "blocks": truth.blocks, "furniture": truth.furniture}, indent=1,
                       ensure_ascii=False) + "\n"
        )
        print(f"{name}: {len(truth.blocks)} blocks")


if __name__ == "__main__":
    main()
