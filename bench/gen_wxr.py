#!/usr/bin/python3
"""Writes a WordPress export (WXR 1.2) of a film magazine with N posts, for bench/wordpress.sh.

    bench/gen_wxr.py POSTS OUT.xml [--seed 42] [--text-scale K]

Each post is what a WordPress magazine really holds: a few classic-editor paragraphs with
inline markup, block-editor comments, a [caption]ed still, every tenth a [gallery] of its
attachments, links to other posts, two categories out of 24 (some nested), tags out of 400,
an excerpt, a featured image, and a comment or two. One attachment per five posts, 60 pages
(nested), 5 writers, a menu. Streamed out, so any size can be written. Deterministic per seed.
"""

import argparse
import random
from xml.sax.saxutils import escape

WORDS = ("cinema frame light shadow close-up montage silence festival director actor "
         "camera scene dialogue rhythm memory city night river house winter summer film "
         "editor score colour grain projection audience premiere restoration archive").split()


def sentence(rnd, n=None):
    words = [rnd.choice(WORDS) for _ in range(n or rnd.randint(8, 22))]
    words[0] = words[0].capitalize()
    if rnd.random() < 0.3:
        k = rnd.randrange(len(words))
        words[k] = "<em>%s</em>" % words[k]
    return " ".join(words) + "."


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("posts", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--text-scale", type=int, default=1, help="K times the paragraphs per post")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    base = "https://reel.example"
    n = args.posts
    with open(args.out, "w", encoding="utf-8") as f:
        w = f.write
        w('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
          'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
          'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
          'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n')
        w("<title>Reel Talk</title>\n<link>%s</link>\n<wp:wxr_version>1.2</wp:wxr_version>\n"
          "<wp:base_site_url>%s</wp:base_site_url>\n<wp:base_blog_url>%s</wp:base_blog_url>\n"
          % (base, base, base))
        writers = ["ana", "bo", "cyd", "dee", "eli"]
        for i, login in enumerate(writers):
            w("<wp:author><wp:author_id>%d</wp:author_id><wp:author_login>%s</wp:author_login>"
              "<wp:author_display_name>%s</wp:author_display_name></wp:author>\n"
              % (i + 1, login, cdata(login.capitalize() + " Writer")))
        categories = []
        for i in range(24):
            slug = "section-%d" % i
            parent = "section-%d" % (i % 4) if i >= 4 else ""
            categories.append((slug, "Section %d" % i))
            w("<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename>%s"
              "</wp:category_nicename><wp:category_parent>%s</wp:category_parent><wp:cat_name>"
              "%s</wp:cat_name></wp:category>\n" % (100 + i, slug, parent, cdata("Section %d" % i)))
        for i in range(400):
            w("<wp:tag><wp:term_id>%d</wp:term_id><wp:tag_slug>tag-%d</wp:tag_slug><wp:tag_name>"
              "%s</wp:tag_name></wp:tag>\n" % (1000 + i, i, cdata("Tag %d" % i)))
        w("<wp:term><wp:term_id>9</wp:term_id><wp:term_taxonomy>nav_menu</wp:term_taxonomy>"
          "<wp:term_slug>main</wp:term_slug><wp:term_name>Main</wp:term_name></wp:term>\n")

        def item(pid, ptype, title, slug, date, status, content, excerpt="", parent=0, extra=""):
            link = ("%s/%s/%s/" % (base, date[:10].replace("-", "/"), slug) if ptype == "post"
                    else "%s/%s/" % (base, slug))
            w("<item>\n<title>%s</title>\n<link>%s</link>\n<dc:creator>%s</dc:creator>\n"
              "<guid isPermaLink=\"false\">%s/?p=%d</guid>\n<content:encoded>%s</content:encoded>\n"
              "<excerpt:encoded>%s</excerpt:encoded>\n<wp:post_id>%d</wp:post_id>\n"
              "<wp:post_date>%s</wp:post_date>\n<wp:post_date_gmt>%s</wp:post_date_gmt>\n"
              "<wp:post_name>%s</wp:post_name>\n<wp:status>%s</wp:status>\n"
              "<wp:post_parent>%d</wp:post_parent>\n<wp:menu_order>0</wp:menu_order>\n"
              "<wp:post_type>%s</wp:post_type>\n<wp:post_password></wp:post_password>\n"
              "<wp:is_sticky>0</wp:is_sticky>\n%s</item>\n"
              % (escape(title), link, rnd.choice(writers), base, pid, cdata(content),
                 cdata(excerpt), pid, date, date, slug, status, parent, ptype, extra))

        def date_of(k):
            day = k * 2 // 3
            return "%04d-%02d-%02d %02d:%02d:00" % (2000 + day // 336 % 26, day // 28 % 12 + 1,
                                                    day % 28 + 1, k % 24, k % 60)

        att_id = 10_000_000
        for k in range(n):
            pid = k + 1
            date = date_of(k)
            ym = date[:4] + "/" + date[5:7]
            extra_items = []
            body = []
            for p in range(rnd.randint(4, 9) * args.text_scale):
                para = " ".join(sentence(rnd) for _ in range(rnd.randint(2, 5)))
                if rnd.random() < 0.5:
                    body.append("<!-- wp:paragraph -->\n<p>%s</p>\n<!-- /wp:paragraph -->" % para)
                else:
                    body.append(para)
                if p == 1 and k % 5 == 0:
                    att_id += 1
                    url = "%s/wp-content/uploads/%s/still-%d.jpg" % (base, ym, att_id)
                    body.append('[caption id="attachment_%d" align="aligncenter" width="1200"]'
                                '<img class="size-full wp-image-%d" src="%s" alt="A still" '
                                'width="1200" height="675" /> %s[/caption]'
                                % (att_id, att_id, url, sentence(rnd, 8)))
                    extra_items.append((att_id, url))
                if p == 2 and k > 0 and rnd.random() < 0.3:
                    other = rnd.randrange(k)
                    body.append('See also <a href="%s/%s/post-%d/">our earlier piece</a>.'
                                % (base, date_of(other)[:10].replace("-", "/"), other + 1))
            if k % 10 == 0:
                body.append("[gallery columns=\"3\"]")
            content = "\n\n".join(body)
            cats = rnd.sample(categories, 2)
            terms = "".join('<category domain="category" nicename="%s">%s</category>\n'
                            % (s, cdata(name)) for s, name in cats)
            for t in rnd.sample(range(400), 3):
                terms += ('<category domain="post_tag" nicename="tag-%d">%s</category>\n'
                          % (t, cdata("Tag %d" % t)))
            meta = ""
            if extra_items:
                meta = ("<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>%d"
                        "</wp:meta_value></wp:postmeta>\n" % extra_items[0][0])
            comments = ""
            for c in range(rnd.choice((0, 0, 1, 2))):
                comments += ("<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_author>"
                             "Reader</wp:comment_author><wp:comment_date_gmt>%s"
                             "</wp:comment_date_gmt><wp:comment_content>%s</wp:comment_content>"
                             "<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0"
                             "</wp:comment_parent></wp:comment>\n"
                             % (pid * 10 + c, date, cdata(sentence(rnd))))
            item(pid, "post", "Post %d: %s" % (pid, sentence(rnd, 4)[:-1]), "post-%d" % pid, date,
                 "publish" if k % 50 else "draft", content, sentence(rnd, 14), 0,
                 terms + meta + comments)
            for aid, url in extra_items:
                w("<item>\n<title>still-%d</title>\n<wp:post_id>%d</wp:post_id>\n"
                  "<wp:post_date_gmt>%s</wp:post_date_gmt>\n<wp:status>inherit</wp:status>\n"
                  "<wp:post_parent>%d</wp:post_parent>\n<wp:post_type>attachment</wp:post_type>\n"
                  "<wp:attachment_url>%s</wp:attachment_url>\n<wp:postmeta><wp:meta_key>"
                  "_wp_attachment_image_alt</wp:meta_key><wp:meta_value>A still</wp:meta_value>"
                  "</wp:postmeta>\n</item>\n" % (aid, aid, date, pid, url))
        for pg in range(60):
            pid = 20_000_000 + pg
            parent = 20_000_000 + pg // 6 if pg >= 10 else 0
            item(pid, "page", "Page %d" % pg, "page-%d" % pg, date_of(pg), "publish",
                 "\n\n".join(sentence(rnd) for _ in range(5)), "", parent)
        w("</channel>\n</rss>\n")


if __name__ == "__main__":
    main()
