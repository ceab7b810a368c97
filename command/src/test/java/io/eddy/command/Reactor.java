package io.eddy.command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The modules of the reactor and what {@code mvn -pl MODULE -am} builds for each: the module and, transitively, every
 * reactor module it names as a dependency (any scope) or as its parent, as Maven's {@code --also-make} does. Reads
 * only the poms' {@code <dependencies>}, {@code <parent>} and {@code <modules>}; profiles and plugin dependencies are
 * left out, which could only make a build look smaller than Maven's, never bigger.
 */
final class Reactor {
    /** A module: its directory relative to the root, its artifact id, and the directories {@code -pl dir -am} builds. */
    record Module(String dir, String artifactId, Set<String> alsoMade) {}

    private Reactor() {}

    /** The reactor's modules by directory. */
    static Map<String, Module> modules(Path root) throws Exception {
        Map<String, String> dirByArtifact = new HashMap<>();
        Map<String, List<String>> dependsOn = new HashMap<>();
        List<String> dirs = new ArrayList<>();
        collect(root, root, dirs, dirByArtifact, dependsOn);

        Map<String, String> artifactByDir = new HashMap<>();
        dirByArtifact.forEach((artifact, dir) -> artifactByDir.put(dir, artifact));
        Map<String, Module> out = new TreeMap<>();
        for (String dir : dirs) {
            Set<String> made = new LinkedHashSet<>();
            visit(dir, dirByArtifact, dependsOn, made);
            out.put(dir, new Module(dir, artifactByDir.get(dir), made));
        }
        return out;
    }

    private static void collect(
            Path root,
            Path moduleDir,
            List<String> dirs,
            Map<String, String> dirByArtifact,
            Map<String, List<String>> dependsOn)
            throws Exception {
        Element project = parse(moduleDir.resolve("pom.xml"));
        String dir = root.relativize(moduleDir).toString();
        String artifactId = text(child(project, "artifactId"));
        List<String> deps = new ArrayList<>();
        Element parent = child(project, "parent");
        if (parent != null) {
            deps.add(text(child(parent, "artifactId")));
        }
        Element dependencies = child(project, "dependencies");
        if (dependencies != null) {
            for (Element d : children(dependencies, "dependency")) {
                String group = text(child(d, "groupId"));
                if (group.equals("io.eddy") || group.equals("${project.groupId}")) {
                    deps.add(text(child(d, "artifactId")));
                }
            }
        }
        if (!dir.isEmpty()) { // the root is the parent pom: nothing to package
            dirs.add(dir);
            dirByArtifact.put(artifactId, dir);
            dependsOn.put(dir, deps);
        }
        Element modules = child(project, "modules");
        if (modules != null) {
            for (Element m : children(modules, "module")) {
                Path sub = moduleDir.resolve(text(m)).normalize();
                if (Files.exists(sub.resolve("pom.xml"))) {
                    collect(root, sub, dirs, dirByArtifact, dependsOn);
                }
            }
        }
    }

    private static void visit(
            String dir, Map<String, String> dirByArtifact, Map<String, List<String>> dependsOn, Set<String> made) {
        if (!made.add(dir)) {
            return;
        }
        for (String artifact : dependsOn.get(dir)) {
            String upstream = dirByArtifact.get(artifact);
            if (upstream != null) { // null: not a reactor module (the parent pom, a published artifact)
                visit(upstream, dirByArtifact, dependsOn, made);
            }
        }
    }

    private static Element parse(Path pom) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        return doc.getDocumentElement();
    }

    private static Element child(Element parent, String name) {
        List<Element> all = children(parent, name);
        return all.isEmpty() ? null : all.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element e) {
        return e == null ? "" : e.getTextContent().trim();
    }
}
