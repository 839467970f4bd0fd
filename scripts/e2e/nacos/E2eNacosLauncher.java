// Starts a standalone Nacos 3.1 server (core context + server web context, optionally the console)
// from the Nacos module jars on the classpath. The upstream distribution does this in its
// `nacos-bootstrap` module, which is not published to Maven Central; this is the lane's own minimal
// equivalent: each Spring context is started after telling NacosStartUpManager which phase it is.
import com.alibaba.nacos.NacosServerBasicApplication;
import com.alibaba.nacos.NacosServerWebApplication;
import com.alibaba.nacos.core.listener.startup.NacosStartUp;
import com.alibaba.nacos.core.listener.startup.NacosStartUpManager;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

public final class E2eNacosLauncher {
    private E2eNacosLauncher() {
    }

    public static void main(String[] args) throws Exception {
        NacosStartUpManager.start(NacosStartUp.CORE_START_UP_PHASE);
        ConfigurableApplicationContext core = new SpringApplicationBuilder(NacosServerBasicApplication.class)
                .web(WebApplicationType.NONE).run(args);
        NacosStartUpManager.start(NacosStartUp.WEB_START_UP_PHASE);
        new SpringApplicationBuilder(NacosServerWebApplication.class).parent(core).run(args);
        if (Boolean.getBoolean("e2e.nacos.console")) {
            Class<?> console = Class.forName("com.alibaba.nacos.console.NacosConsole");
            NacosStartUpManager.start(NacosStartUp.CONSOLE_START_UP_PHASE);
            new SpringApplicationBuilder(console).parent(core).run(args);
        }
    }
}
