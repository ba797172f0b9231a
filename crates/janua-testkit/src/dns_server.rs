//! A real authoritative DNS server on loopback (RFC 1035 wire format over UDP and TCP) that
//! answers TXT queries from records a test sets, so domain verification is tested against the
//! same resolver code production uses rather than a mock.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use hickory_proto::op::{Edns, Message, MessageType, Metadata, OpCode, ResponseCode};
use hickory_proto::rr::rdata::TXT;
use hickory_proto::rr::{DNSClass, RData, Record, RecordType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::task::{JoinHandle, JoinSet};

/// TTL of every answer: short, like a record an admin has just published.
const TTL: u32 = 1;
/// RFC 1035 §4.2.1: without EDNS a UDP answer is at most 512 bytes.
const CLASSIC_UDP_PAYLOAD: usize = 512;
/// What this server advertises and accepts over UDP with EDNS (the DNS Flag Day 2020 value).
const EDNS_UDP_PAYLOAD: u16 = 1232;

#[derive(Default)]
struct Zone {
    /// Lower-cased names without the trailing dot -> TXT values.
    records: HashMap<String, Vec<String>>,
    queries: Vec<String>,
}

pub struct DnsServer {
    addr: SocketAddr,
    zone: Arc<Mutex<Zone>>,
    tasks: Vec<JoinHandle<()>>,
}

impl DnsServer {
    /// Binds UDP and TCP on the same random loopback port.
    pub async fn start() -> DnsServer {
        let (udp, tcp) = bind_pair().await;
        Self::serve(udp, tcp)
    }

    /// Binds UDP and TCP on a given loopback port (a stack started before the server names
    /// it in `sso.dns_servers`: `make bench`).
    pub async fn start_on(port: u16) -> std::io::Result<DnsServer> {
        let udp = UdpSocket::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let tcp = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        Ok(Self::serve(udp, tcp))
    }

    fn serve(udp: UdpSocket, tcp: TcpListener) -> DnsServer {
        let addr = udp.local_addr().expect("the UDP socket's address");
        let zone = Arc::new(Mutex::new(Zone::default()));
        let tasks =
            vec![tokio::spawn(serve_udp(udp, zone.clone())), tokio::spawn(serve_tcp(tcp, zone.clone()))];
        DnsServer { addr, zone, tasks }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replaces the TXT records of `name` (an empty `values` leaves the name existing with no
    /// TXT records: NOERROR without answers rather than NXDOMAIN).
    pub fn set_txt(&self, name: &str, values: &[&str]) {
        let values = values.iter().map(|v| v.to_string()).collect();
        self.zone.lock().unwrap().records.insert(key(name), values);
    }

    /// Removes `name`: it answers NXDOMAIN again.
    pub fn clear(&self, name: &str) {
        self.zone.lock().unwrap().records.remove(&key(name));
    }

    /// The names asked so far, lower-cased without the trailing dot, oldest first.
    pub fn queries(&self) -> Vec<String> {
        self.zone.lock().unwrap().queries.clone()
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn key(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

async fn bind_pair() -> (UdpSocket, TcpListener) {
    // The UDP port the OS picks may be taken for TCP; a few tries find a free pair.
    for _ in 0..20 {
        let udp = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.expect("bind a loopback UDP port");
        let addr = udp.local_addr().expect("the UDP socket's address");
        if let Ok(tcp) = TcpListener::bind(addr).await {
            return (udp, tcp);
        }
    }
    panic!("no loopback port free for both UDP and TCP");
}

async fn serve_udp(socket: UdpSocket, zone: Arc<Mutex<Zone>>) {
    let mut buf = vec![0u8; 65_535];
    loop {
        let Ok((len, peer)) = socket.recv_from(&mut buf).await else {
            continue;
        };
        let Some((response, max_len)) = answer(&buf[..len], &zone) else {
            continue;
        };
        let Some(bytes) = encode_for_udp(&response, max_len) else {
            continue;
        };
        let _ = socket.send_to(&bytes, peer).await;
    }
}

/// Sets TC when the answer does not fit, so the client retries over TCP (RFC 7766).
fn encode_for_udp(response: &Message, max_len: usize) -> Option<Vec<u8>> {
    let bytes = response.to_vec().ok()?;
    if bytes.len() <= max_len {
        return Some(bytes);
    }
    response.truncate().to_vec().ok()
}

async fn serve_tcp(listener: TcpListener, zone: Arc<Mutex<Zone>>) {
    // Connection tasks live in the set, so aborting this task drops (aborts) them too.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    connections.spawn(serve_tcp_connection(stream, zone.clone()));
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// RFC 1035 §4.2.2: each message is preceded by its two-byte length.
async fn serve_tcp_connection(mut stream: TcpStream, zone: Arc<Mutex<Zone>>) {
    loop {
        let mut len = [0u8; 2];
        if stream.read_exact(&mut len).await.is_err() {
            return;
        }
        let mut query = vec![0u8; usize::from(u16::from_be_bytes(len))];
        if stream.read_exact(&mut query).await.is_err() {
            return;
        }
        let Some((response, _)) = answer(&query, &zone) else {
            return;
        };
        let Ok(bytes) = response.to_vec() else {
            return;
        };
        let Ok(len) = u16::try_from(bytes.len()) else {
            return;
        };
        if stream.write_all(&len.to_be_bytes()).await.is_err() || stream.write_all(&bytes).await.is_err() {
            return;
        }
    }
}

/// The response to one query message and the largest UDP payload the client accepts; None for
/// input not worth answering (not even a header, or a response).
fn answer(packet: &[u8], zone: &Mutex<Zone>) -> Option<(Message, usize)> {
    let request = match Message::from_vec(packet) {
        Ok(request) => request,
        Err(_) => {
            let id = u16::from_be_bytes([*packet.first()?, *packet.get(1)?]);
            let response = Message::error_msg(id, OpCode::Query, ResponseCode::FormErr);
            return Some((response, CLASSIC_UDP_PAYLOAD));
        }
    };
    if request.metadata.message_type != MessageType::Query {
        return None;
    }
    let max_len = request
        .edns
        .as_ref()
        .map_or(CLASSIC_UDP_PAYLOAD, |edns| usize::from(edns.max_payload().clamp(512, EDNS_UDP_PAYLOAD)));

    let mut response = Message::response(request.metadata.id, request.metadata.op_code);
    response.metadata = Metadata::response_from_request(&request.metadata);
    response.metadata.authoritative = true;
    if request.edns.is_some() {
        let mut edns = Edns::new();
        edns.set_max_payload(EDNS_UDP_PAYLOAD);
        response.set_edns(edns);
    }

    let [query] = request.queries.as_slice() else {
        response.metadata.response_code =
            if request.queries.is_empty() { ResponseCode::FormErr } else { ResponseCode::NotImp };
        return Some((response, max_len));
    };
    // Echo the question exactly as asked: resolvers using 0x20 case randomisation check it.
    response.add_query(query.clone());
    if request.metadata.op_code != OpCode::Query || query.query_class() != DNSClass::IN {
        response.metadata.response_code = ResponseCode::NotImp;
        return Some((response, max_len));
    }

    let name = key(&query.name().to_ascii());
    let mut zone = zone.lock().unwrap();
    zone.queries.push(name.clone());
    match zone.records.get(&name) {
        None => response.metadata.response_code = ResponseCode::NXDomain,
        Some(values) if query.query_type() == RecordType::TXT => {
            for value in values {
                // RFC 1035 §3.3.14: a TXT record is character-strings of at most 255 bytes each.
                let mut strings: Vec<&[u8]> = value.as_bytes().chunks(255).collect();
                if strings.is_empty() {
                    strings.push(b"");
                }
                let rdata = RData::TXT(TXT::from_bytes(strings));
                response.add_answer(Record::from_rdata(query.name().clone(), TTL, rdata));
            }
        }
        // The name exists but has only TXT records: NOERROR, no answers (NODATA).
        Some(_) => {}
    }
    Some((response, max_len))
}
