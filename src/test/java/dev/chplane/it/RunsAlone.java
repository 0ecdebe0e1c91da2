package dev.chplane.it;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * An integration test class that must not share the machine with another one: it loads the whole
 * machine (hundreds of connections, every core) or changes it (mounts a file system), so a class
 * beside it could fail, or make it fail, for reasons that are not theirs. Failsafe runs the other
 * IT classes side by side in several JVMs, then these one at a time (the "alone" tag, see pom.xml).
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("alone")
public @interface RunsAlone {}
