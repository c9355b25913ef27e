"""Pictures of a framework: an interactive, self-contained HTML view (inline SVG and a small force layout, no CDN)
and GraphML for Gephi, both cut from the networkx view of the ontology."""
from __future__ import annotations

import html
import io
import json

import networkx as nx

from engine.assessor import UsageError
from engine.graph.paths import SKOS_MAPPINGS
from ontology.loader import Ontology

COLOURS = {"framework": "#1f77b4", "framework+competency": "#1f77b4", "competency": "#2ca02c", "level": "#ff7f0e",
           "stage": "#9467bd", "indicator": "#8c8c8c", "section": "#bcbd22", "position": "#d62728",
           "external": "#17becf"}


def framework_members(onto: Ontology, framework: str) -> set[str]:
    """The framework's own items: itself, competencies, levels, stages, sections, indicators and positions."""
    model = onto.model
    if framework not in model.frameworks:
        raise UsageError(f"unknown framework {framework}; known: {', '.join(model.frameworks)}")
    fw = model.frameworks[framework]
    members = {framework, *fw.competencies, *fw.sections, *fw.indicators}
    for comp in fw.competencies:
        members.update(model.competencies[comp].levels, model.competencies[comp].stages)
    members.update(code for code, pos in model.positions.items() if pos.framework == framework)
    return members


def framework_graph(onto: Ontology, framework: str) -> nx.MultiDiGraph:
    """The framework's subgraph plus the items of other frameworks its indicators map to (``external`` True)."""
    network = onto.network
    members = framework_members(onto, framework)
    external = {other for code in members
                for _, other, data in [*network.out_edges(code, data=True),
                                       *((t, s, d) for s, t, d in network.in_edges(code, data=True))]
                if data.get("type") in SKOS_MAPPINGS and other not in members}
    graph = network.subgraph(members | external).copy()
    for node in graph:
        graph.nodes[node]["external"] = node in external
    return graph


def graphml(graph: nx.MultiDiGraph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer)
    return buffer.getvalue()


def interactive_html(graph: nx.MultiDiGraph, title: str, lang: str = "en") -> str:
    """A page that lays the graph out by itself (force simulation in plain JS), with drag, zoom and tooltips."""
    nodes = [{"id": n, "type": "external" if d.get("external") else d.get("type", ""),
              "label": d.get(f"label_{lang}") or d.get("label_en") or n} for n, d in graph.nodes(data=True)]
    edges = [{"s": s, "t": t, "type": d.get("type", "")} for s, t, d in graph.edges(data=True)]
    data = json.dumps({"nodes": nodes, "edges": edges, "colours": COLOURS}, ensure_ascii=False).replace("</", "<\\/")
    legend = " ".join(f'<span style="color:{c}">●</span> {html.escape(t)}' for t, c in COLOURS.items()
                      if t != "framework+competency")
    return _PAGE.replace("__TITLE__", html.escape(title)).replace("__LEGEND__", legend).replace("__DATA__", data)


_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>__TITLE__</title><style>
body{margin:0;font-family:system-ui,sans-serif} header{padding:6px 12px;background:#f6f6f6;border-bottom:1px solid #ddd}
svg{width:100vw;height:calc(100vh - 64px);cursor:grab} text{font-size:10px;pointer-events:none;fill:#333}
line{stroke:#bbb} line.map{stroke:#17becf;stroke-dasharray:4 3} #tip{position:fixed;background:#fff;border:1px solid #999;
padding:4px 8px;font-size:12px;display:none;max-width:420px;pointer-events:none}</style></head><body>
<header><b>__TITLE__</b> — drag nodes, wheel to zoom, drag the background to pan. __LEGEND__ <span style="color:#17becf">- - -</span> SKOS mapping</header>
<svg id="view"><g id="world"></g></svg><div id="tip"></div>
<script type="application/json" id="graph-data">__DATA__</script>
<script>
(function(){
const data=JSON.parse(document.getElementById('graph-data').textContent);
const NS='http://www.w3.org/2000/svg', svg=document.getElementById('view'), world=document.getElementById('world');
const tip=document.getElementById('tip'), W=svg.clientWidth||1200, H=svg.clientHeight||800;
const byId={}; data.nodes.forEach((n,i)=>{const a=2*Math.PI*i/data.nodes.length;
  n.x=W/2+Math.cos(a)*W/3; n.y=H/2+Math.sin(a)*H/3; n.vx=0; n.vy=0; byId[n.id]=n;});
const mapping=new Set(['closeMatch','relatedMatch','broadMatch','narrowMatch','exactMatch']);
const edges=data.edges.filter(e=>byId[e.s]&&byId[e.t]).map(e=>{const l=document.createElementNS(NS,'line');
  if(mapping.has(e.type)) l.setAttribute('class','map'); world.appendChild(l); return {s:byId[e.s],t:byId[e.t],el:l,type:e.type};});
data.nodes.forEach(n=>{const g=document.createElementNS(NS,'g'), c=document.createElementNS(NS,'circle'), t=document.createElementNS(NS,'text');
  c.setAttribute('r', n.type==='indicator'||n.type==='external'?5:9); c.setAttribute('fill', data.colours[n.type]||'#999');
  t.textContent=n.id; t.setAttribute('x',8); t.setAttribute('y',3); g.appendChild(c); g.appendChild(t); world.appendChild(g); n.el=g;
  g.addEventListener('mouseenter',ev=>{tip.textContent=n.id+' ('+n.type+'): '+n.label; tip.style.display='block';});
  g.addEventListener('mousemove',ev=>{tip.style.left=(ev.clientX+12)+'px'; tip.style.top=(ev.clientY+12)+'px';});
  g.addEventListener('mouseleave',()=>{tip.style.display='none';});
  g.addEventListener('mousedown',ev=>{ev.stopPropagation(); drag=n; heat=1;});});
let drag=null, pan=null, view={x:0,y:0,k:1}, heat=1;
function apply(){world.setAttribute('transform','translate('+view.x+','+view.y+') scale('+view.k+')');}
function toWorld(ev){return {x:(ev.clientX-svg.getBoundingClientRect().left-view.x)/view.k, y:(ev.clientY-svg.getBoundingClientRect().top-view.y)/view.k};}
svg.addEventListener('mousedown',ev=>{pan={x:ev.clientX-view.x,y:ev.clientY-view.y};});
window.addEventListener('mousemove',ev=>{if(drag){const p=toWorld(ev); drag.x=p.x; drag.y=p.y; drag.vx=drag.vy=0;}
  else if(pan){view.x=ev.clientX-pan.x; view.y=ev.clientY-pan.y; apply();}});
window.addEventListener('mouseup',()=>{drag=null; pan=null;});
svg.addEventListener('wheel',ev=>{ev.preventDefault(); const f=ev.deltaY<0?1.1:1/1.1; const r=svg.getBoundingClientRect();
  const mx=ev.clientX-r.left, my=ev.clientY-r.top; view.x=mx-(mx-view.x)*f; view.y=my-(my-view.y)*f; view.k*=f; apply();},{passive:false});
function step(){const ns=data.nodes;
  for(let i=0;i<ns.length;i++){for(let j=i+1;j<ns.length;j++){const a=ns[i],b=ns[j]; let dx=a.x-b.x, dy=a.y-b.y, d2=dx*dx+dy*dy+0.01;
    if(d2>90000) continue; const f=900/d2; dx*=f; dy*=f; a.vx+=dx; a.vy+=dy; b.vx-=dx; b.vy-=dy;}}
  edges.forEach(e=>{const dx=e.t.x-e.s.x, dy=e.t.y-e.s.y, d=Math.sqrt(dx*dx+dy*dy)||1, k=(d-(mapping.has(e.type)?120:60))*0.02;
    e.s.vx+=dx/d*k; e.s.vy+=dy/d*k; e.t.vx-=dx/d*k; e.t.vy-=dy/d*k;});
  ns.forEach(n=>{if(n===drag) return; n.vx+=(W/2-n.x)*0.002; n.vy+=(H/2-n.y)*0.002; n.vx*=0.6; n.vy*=0.6;
    n.x+=Math.max(-20,Math.min(20,n.vx*heat)); n.y+=Math.max(-20,Math.min(20,n.vy*heat));});
  heat=Math.max(0.05,heat*0.995);}
function draw(){edges.forEach(e=>{e.el.setAttribute('x1',e.s.x); e.el.setAttribute('y1',e.s.y); e.el.setAttribute('x2',e.t.x); e.el.setAttribute('y2',e.t.y);});
  data.nodes.forEach(n=>n.el.setAttribute('transform','translate('+n.x+','+n.y+')'));}
function tick(){step(); draw(); requestAnimationFrame(tick);}
for(let i=0;i<150;i++) step(); draw(); apply(); requestAnimationFrame(tick);
})();
</script></body></html>
"""
