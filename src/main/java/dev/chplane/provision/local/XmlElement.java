package dev.chplane.provision.local;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * An element of a ClickHouse configuration file: text, or child elements. {@link #document} writes
 * it with the JDK's {@link XMLStreamWriter}, which escapes every text, so that no value (a path, a
 * network, a name) can change the document's structure.
 */
final class XmlElement {
  private final String name;
  private final String text;
  private final List<XmlElement> children = new ArrayList<>();

  private XmlElement(String name, String text) {
    this.name = name;
    this.text = text;
  }

  /** An element that will hold children. */
  static XmlElement of(String name) {
    return new XmlElement(name, null);
  }

  /** Adds a child {@code <name>text</name>}; returns this element. */
  XmlElement add(String name, Object text) {
    children.add(new XmlElement(name, String.valueOf(text)));
    return this;
  }

  /** Adds {@code child}; returns this element. */
  XmlElement add(XmlElement child) {
    children.add(child);
    return this;
  }

  /** Adds and returns a child that will hold children. */
  XmlElement child(String name) {
    XmlElement child = of(name);
    children.add(child);
    return child;
  }

  /** The whole file: the XML declaration, {@code comment}, and this element as the root. */
  String document(String comment) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      xml.writeStartDocument("1.0");
      xml.writeCharacters("\n");
      xml.writeComment(" " + comment + " ");
      xml.writeCharacters("\n");
      write(xml, 0);
      xml.writeCharacters("\n");
      xml.writeEndDocument();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write " + name + ": " + e.getMessage(), e);
    }
    return out.toString();
  }

  private void write(XMLStreamWriter xml, int depth) throws XMLStreamException {
    // an empty element is written open and closed, never <x/>: one form for every ClickHouse
    // version
    xml.writeStartElement(name);
    if (text != null) {
      xml.writeCharacters(text);
    } else {
      boolean nested = children.stream().anyMatch(c -> c.text == null);
      for (XmlElement child : children) {
        if (nested) {
          xml.writeCharacters("\n" + "  ".repeat(depth + 1));
        }
        child.write(xml, depth + 1);
      }
      if (nested) {
        xml.writeCharacters("\n" + "  ".repeat(depth));
      }
    }
    xml.writeEndElement();
  }
}
