/* The web editor's widget for an authority's salutation (site/cms.py).
 *
 * The content model allows one string (the salutation in the language of the
 * action's first letter) or a mapping language -> salutation. Decap has no
 * widget for "a string or a mapping", so this one edits rows of
 * (language, salutation) and writes back the same shape it read: one row
 * without a language stays a string, rows with languages are a mapping in
 * the rows' order. Nothing else in the file changes shape.
 *
 * The field's `languages` option ([{label, value}]) lists the letter
 * languages the site knows; a language found in a file is kept even when it
 * is not in that list. Texts are French, like the rest of the editor.
 */
(function () {
  "use strict";
  var h = window.h;
  var FIRST = ""; // the language of the action's first letter (the string form)

  function isMap(value) {
    return value && typeof value === "object" && typeof value.entrySeq === "function";
  }

  function rowsOf(value) {
    if (isMap(value)) {
      return value.entrySeq().toArray().map(function (pair) {
        return { language: String(pair[0]), text: pair[1] == null ? "" : String(pair[1]) };
      });
    }
    if (value && typeof value === "object") {
      return Object.keys(value).map(function (key) {
        return { language: key, text: String(value[key]) };
      });
    }
    return [{ language: FIRST, text: value == null ? "" : String(value) }];
  }

  function firstLetterLanguage(entry) {
    var language = entry && entry.getIn ? entry.getIn(["data", "letters", 0, "language"]) : null;
    return language ? String(language) : FIRST;
  }

  // The value the file gets: a string for one row without a language, else a
  // mapping (an Immutable Map, as Decap keeps a mapping it read from a file).
  function valueOf(rows, entry) {
    var filled = rows.filter(function (row) {
      return row.text.trim() !== "";
    });
    if (filled.length === 0) return "";
    if (filled.length === 1 && filled[0].language === FIRST) return filled[0].text;
    var mapping = entry && typeof entry.clear === "function" ? entry.clear() : null;
    var plain = {};
    filled.forEach(function (row) {
      var key = row.language === FIRST ? firstLetterLanguage(entry) : row.language;
      if (mapping) mapping = mapping.set(key, row.text);
      else plain[key] = row.text;
    });
    return mapping || plain;
  }

  function languageOptions(field, rows) {
    var known = field.get("languages");
    var options = known ? known.toJS() : [];
    rows.forEach(function (row) {
      var listed = options.some(function (option) {
        return option.value === row.language;
      });
      if (row.language !== FIRST && !listed) options.push({ label: row.language, value: row.language });
    });
    return [{ label: "langue de la première lettre", value: FIRST }].concat(options);
  }

  function labelOf(options, language) {
    var option = options.filter(function (o) {
      return o.value === language;
    })[0];
    return option ? option.label : language;
  }

  var SalutationsControl = window.createClass({
    getInitialState: function () {
      return { rows: rowsOf(this.props.value) };
    },

    // Decap may replace the value from outside (the entry loaded again, a
    // draft restored): the rows follow it, unless it is the one written here.
    componentDidUpdate: function (previous) {
      var value = this.props.value;
      if (value !== previous.value && value !== this.written) this.setState({ rows: rowsOf(value) });
    },

    // The entry as it is now: Decap renders a widget again only when its own
    // value changes, so its `entry` prop may miss a letter added since.
    entry: function () {
      return this.props.getEntry ? this.props.getEntry() : this.props.entry;
    },

    update: function (rows) {
      this.written = valueOf(rows, this.entry());
      this.setState({ rows: rows });
      this.props.onChange(this.written);
    },

    change: function (index, key, value) {
      var rows = this.state.rows.map(function (row, i) {
        if (i !== index) return row;
        var changed = { language: row.language, text: row.text };
        changed[key] = value;
        return changed;
      });
      this.update(rows);
    },

    // A second language turns the string form into a mapping: its row gets
    // the first letter's language, so that the editor sees which one it is.
    add: function () {
      var first = firstLetterLanguage(this.entry());
      var rows = this.state.rows.map(function (row) {
        return row.language === FIRST ? { language: first, text: row.text } : row;
      });
      var used = rows.map(function (row) {
        return row.language;
      });
      var next = languageOptions(this.props.field, rows).filter(function (option) {
        return option.value !== FIRST && used.indexOf(option.value) < 0;
      })[0];
      this.update(rows.concat([{ language: next ? next.value : FIRST, text: "" }]));
    },

    remove: function (index) {
      var rows = this.state.rows.filter(function (_, i) {
        return i !== index;
      });
      this.update(rows.length ? rows : [{ language: FIRST, text: "" }]);
    },

    render: function () {
      var self = this;
      var rows = this.state.rows;
      var options = languageOptions(this.props.field, rows);
      var style = { display: "flex", gap: "8px", alignItems: "center", marginBottom: "8px" };
      return h(
        "div",
        { className: this.props.classNameWrapper },
        rows.map(function (row, index) {
          var language = labelOf(options, row.language);
          return h(
            "div",
            { key: index, style: style },
            h(
              "select",
              {
                "aria-label": "Langue de la formule d'appel n° " + (index + 1),
                value: row.language,
                onChange: function (event) {
                  self.change(index, "language", event.target.value);
                },
                onFocus: self.props.setActiveStyle,
                onBlur: self.props.setInactiveStyle,
              },
              options.map(function (option) {
                return h("option", { key: option.value, value: option.value }, option.label);
              })
            ),
            h("input", {
              type: "text",
              id: index === 0 ? self.props.forID : undefined,
              // The first row's plain input is named by the field's label.
              "aria-label": index === 0 && row.language === FIRST ? undefined : "Formule d'appel : " + language,
              value: row.text,
              style: { flex: "1", padding: "6px", border: "1px solid #dfdfe3", borderRadius: "5px" },
              onChange: function (event) {
                self.change(index, "text", event.target.value);
              },
              onFocus: self.props.setActiveStyle,
              onBlur: self.props.setInactiveStyle,
            }),
            rows.length > 1
              ? h(
                  "button",
                  {
                    type: "button",
                    "aria-label": "Retirer : " + language,
                    onClick: function () {
                      self.remove(index);
                    },
                  },
                  "Retirer"
                )
              : null
          );
        }),
        h("button", { type: "button", onClick: this.add }, "Ajouter une langue")
      );
    },
  });

  var SalutationsPreview = window.createClass({
    render: function () {
      return h(
        "p",
        {},
        rowsOf(this.props.value)
          .map(function (row) {
            return (row.language ? row.language + " : " : "") + row.text;
          })
          .join(" · ")
      );
    },
  });

  window.CMS.registerWidget({
    name: "salutations",
    controlComponent: SalutationsControl,
    previewComponent: SalutationsPreview,
    // The preview gets a mapping as it is (Decap would look a key up in it).
    allowMapValue: true,
    schema: { properties: { languages: { type: "array" } } },
  });
})();
